"""Views for the Django tests: function, async and class-based, plus DRF."""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from authguard.django import get_auth, protect, public
from authguard.django.rest_framework import HasPermission, HasRole, IsSignedIn


def _identity(request: HttpRequest, **extra: Any) -> JsonResponse:
    auth = get_auth(request)
    return JsonResponse({"user_id": auth.user_id, "org_role": auth.org_role, **extra})


def home(request: HttpRequest) -> JsonResponse:
    return _identity(request)


@public
def open_view(request: HttpRequest) -> JsonResponse:
    return _identity(request)


@protect
def signed_in(request: HttpRequest) -> JsonResponse:
    return _identity(request)


@protect(role="org:admin")
def admin(request: HttpRequest) -> JsonResponse:
    return _identity(request)


@protect(role="org:admin")
async def async_admin(request: HttpRequest) -> JsonResponse:
    return _identity(request)


@protect
async def async_signed_in(request: HttpRequest) -> JsonResponse:
    user = await request.auser()  # type: ignore[attr-defined]
    return _identity(request, username=user.get_username())


def to_sign_in(request: HttpRequest) -> NoReturn:
    request.auth.redirect_to_sign_in()  # type: ignore[attr-defined]


async def async_to_sign_in(request: HttpRequest) -> NoReturn:
    request.auth.redirect_to_sign_in()  # type: ignore[attr-defined]


def whoami(request: HttpRequest) -> JsonResponse:
    user = request.user
    return _identity(
        request,
        username=user.get_username(),
        is_authenticated=user.is_authenticated,
        user_class=user.__class__.__name__,
    )


async def async_whoami(request: HttpRequest) -> JsonResponse:
    user = await request.auser()  # type: ignore[attr-defined]
    return _identity(request, username=user.get_username(), user_class=user.__class__.__name__)


@method_decorator(protect(role="org:admin"), name="dispatch")
class AdminView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return _identity(request)


class GetOnlyProtected(View):
    @method_decorator(protect(role="org:admin"))
    def get(self, request: HttpRequest) -> JsonResponse:
        return _identity(request)


@method_decorator(public, name="dispatch")
class PublicView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return _identity(request)


@public
class PublicClassView(View):
    def get(self, request: HttpRequest) -> JsonResponse:
        return _identity(request)


@login_required
def django_login_required(request: HttpRequest) -> JsonResponse:
    return _identity(request, username=request.user.get_username())


def template_view(request: HttpRequest) -> HttpResponse:
    return render(request, "who.html")


class DrfSignedIn(APIView):
    permission_classes = [IsSignedIn]

    def get(self, request: Request) -> Response:
        return Response({"user_id": request.auth.user_id, "user": request.user.get_username()})

    def post(self, request: Request) -> Response:
        return Response({"user_id": request.auth.user_id})


class DrfAdmin(APIView):
    permission_classes = [HasRole("org:admin")]

    def get(self, request: Request) -> Response:
        return Response({"user_id": request.auth.user_id})


class DrfPerm(APIView):
    permission_classes = [HasPermission("org:memberships:manage")]

    def get(self, request: Request) -> Response:
        return Response({"user_id": request.auth.user_id})


class DrfSession(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"user": request.user.get_username()})
