"""lnupload's items in its DynamoDB table."""

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute

from shared.dynamo import EnvTableName, SharedModel


class InvoiceItem(SharedModel):
    """One Lightning invoice; `file_key` is written once, by the upload it paid for."""

    class Meta:
        table_name = EnvTableName()

    pk = UnicodeAttribute(hash_key=True)  # INVOICE#<payment_hash>
    payment_hash = UnicodeAttribute()
    payment_request = UnicodeAttribute()
    amount_sat = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    invoice_expires_at = UTCDateTimeAttribute()
    paid_at = UTCDateTimeAttribute(null=True)
    file_key = UnicodeAttribute(null=True)
    file_url = UnicodeAttribute(null=True)
    uploaded_at = UTCDateTimeAttribute(null=True)
    expires_at = TTLAttribute(null=True)

    @staticmethod
    def key(payment_hash: str) -> str:
        return f"INVOICE#{payment_hash}"
