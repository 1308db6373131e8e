"""Django's ``request_info(request).headers`` reads META (the view: ``test_wsgi_headers``)."""

from __future__ import annotations

from django.test import RequestFactory

from authguard.integrations._common import WSGIHeaders
from authguard.integrations.django.http import request_info


def test_request_info_reads_meta_live_and_joined() -> None:
    request = RequestFactory().get(
        "/p", HTTP_AUTHORIZATION="Bearer t", HTTP_COOKIE="a=1; b=2", HTTP_X_TWICE="1,2"
    )
    info = request_info(request)
    assert isinstance(info.headers, WSGIHeaders)
    assert info.headers["authorization"] == "Bearer t"
    assert info.headers["x-twice"] == "1,2"
    assert info.cookie_header == "a=1; b=2" == info.headers["cookie"]
    assert request_info(request) is info
