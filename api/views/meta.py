"""/api/v1/me/: who a token acts as, so a script can check its token before anything else."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import ApiToken


class MeView(APIView):
    @extend_schema(
        summary="The token's user, clearance and scope",
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "clearance": serializers.CharField(),
                "token": serializers.DictField(allow_null=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(
            {
                "username": request.user.get_username(),
                "clearance": request.user.clearance,
                "token": None
                if token is None
                else {
                    "name": token.name,
                    "prefix": token.display_prefix,
                    "scope": token.scope,
                    "expires_at": token.expires_at,
                },
            }
        )
