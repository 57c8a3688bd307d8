"""`make capacity`: the request mix of each API, its DynamoDB calls recorded, and the ceilings that follow."""
