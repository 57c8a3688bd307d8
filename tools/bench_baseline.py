"""The smallest Powertools HTTP API handler: the yardstick for handlers' cold imports."""

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.typing import LambdaContext

app = APIGatewayHttpResolver()


@app.get("/")
def index() -> dict[str, bool]:
    return {"ok": True}


def lambda_handler(event: dict, context: LambdaContext) -> dict:
    return app.resolve(event, context)
