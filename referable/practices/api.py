from datetime import datetime

from ninja import Router, Schema

router = Router(tags=["account"])


class MeOut(Schema):
    id: int
    email: str
    name: str
    role: str
    practice: str
    time_zone: str


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@router.get("/me", response=MeOut, summary="Who the token belongs to")
def me(request):
    user = request.user
    return {
        "id": user.id,
        "email": user.email,
        "name": str(user),
        "role": user.role,
        "practice": user.practice.name,
        "time_zone": str(user.zone),
    }
