"""The dev console's `/faults` routes: the rules in force and what they injected, as JSON.

GET    /faults                {"enabled", "rules": [...], "stats": {service: {requests, faults, errors,
                              delayed, operations: {...}}}}
PUT    /faults                {"rules": [...], "seed": n?, "reset_stats": bool?}: replaces the rules
POST   /faults/rules          one rule, added to those in force
DELETE /faults                no rule any more (the stats stay)
DELETE /faults/stats          counts from zero
"""

from __future__ import annotations

from tools.local.faults.rules import InvalidRule, Rule, Rules
from tools.local.web import Reply, Request, Route, json_reply


class FaultRoutes:
    def __init__(self, rules: Rules | None) -> None:
        self.rules = rules

    def state(self, _: Request | None = None) -> Reply:
        if self.rules is None:
            return json_reply(200, {"enabled": False, "rules": [], "stats": {}})
        return json_reply(200, {"enabled": True, "rules": self.rules.public(), "stats": self.rules.stats()})

    def replace(self, request: Request) -> Reply:
        body = request.json()
        if self.rules is None:
            return _disabled()
        if not isinstance(body, dict) or not isinstance(body.get("rules", []), list):
            return json_reply(400, {"detail": 'send {"rules": [...]}'})
        try:
            new = [Rule.parse(item) for item in body.get("rules", [])]
        except InvalidRule as invalid:
            return json_reply(400, {"detail": str(invalid)})
        seed = body.get("seed")
        self.rules.replace(new, seed=seed if isinstance(seed, int) else None)
        if body.get("reset_stats"):
            self.rules.reset_stats()
        return self.state()

    def add(self, request: Request) -> Reply:
        if self.rules is None:
            return _disabled()
        try:
            rule = Rule.parse(request.json())
        except InvalidRule as invalid:
            return json_reply(400, {"detail": str(invalid)})
        self.rules.replace([*self.rules.rules, rule])
        return self.state()

    def clear(self, _: Request) -> Reply:
        if self.rules is not None:
            self.rules.clear()
        return self.state()

    def reset(self, _: Request) -> Reply:
        if self.rules is not None:
            self.rules.reset_stats()
        return self.state()


def routes(rules: Rules | None) -> list[Route]:
    own = FaultRoutes(rules)
    return [
        Route("GET", "/faults", own.state),
        Route("PUT", "/faults", own.replace),
        Route("POST", "/faults/rules", own.add),
        Route("DELETE", "/faults", own.clear),
        Route("DELETE", "/faults/stats", own.reset),
    ]


def _disabled() -> Reply:
    return json_reply(409, {"detail": "faults are off: start the stack with `make run FAULTS=1`"})
