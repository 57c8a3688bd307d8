from tools.local.template import Template


def test_every_function_has_its_resolved_environment():
    template = Template(overrides={"LnuploadFilesBaseUrl": ""})
    env = template.functions["LnuploadGetInvoiceFunction"].environment
    assert env["TABLE_NAME"] == "LnuploadTable"
    assert env["BUCKET_NAME"] == "lnuploadbucket"
    assert env["LIGHTNING_API_KEY_SECRET"] == "LightningApiKeySecret"
    assert env["POWERTOOLS_SERVICE_NAME"] == "lnupload"
    # !If on an empty override falls back to the CloudFront distribution, served by the console
    assert env["FILES_BASE_URL"] == "https://127.0.0.1:3999/cdn/LnuploadFilesDistribution"


def test_local_overrides_come_from_samconfig():
    env = Template().functions["LnuploadGetInvoiceFunction"].environment
    assert env["LIGHTNING_API_URL"] == "http://127.0.0.1:3999/lightning"
    assert env["FILES_BASE_URL"] == "http://127.0.0.1:3999/cdn/LnuploadFilesDistribution"


def test_routes_ports_and_default_route():
    api = Template().api("lnupload")
    assert api.port == 3000
    keys = {route.key: route.function for route in api.routes}
    assert keys == {
        "GET /getInvoice": "LnuploadGetInvoiceFunction",
        "POST /getSignedUrl": "LnuploadGetSignedUrlFunction",
        "POST /checkUploadedFile": "LnuploadCheckUploadedFileFunction",
        "$default": "LnuploadNotFoundFunction",
    }
    assert "payment-hash" in api.cors["AllowHeaders"]


def test_tables_keep_keys_and_ttl():
    spec = Template().tables["LnuploadTable"]
    assert spec["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert spec["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_every_handler_module_exists():
    import importlib.util

    from tools.local import bootstrap

    bootstrap.install()
    for function in Template().functions.values():
        assert importlib.util.find_spec(function.module) is not None, function.handler
