"""Route matchers (SPEC §7): Clerk's ``createRouteMatcher`` over path-to-regexp 6 patterns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from authguard.exceptions import ConfigurationError
from authguard.request import RequestInfo

__all__ = ["STATIC_ASSETS", "RouteMatcher", "compile_pattern", "create_route_matcher", "route_path"]

# ASCII-only case folding: Unicode folding would let ``/daſhboard`` match ``/dashboard``.
FLAGS = re.IGNORECASE | re.ASCII | re.DOTALL
_DELIMITER = "/#?"
_PREFIXES = "./"
_DEFAULT_SEGMENT = f"[^{re.escape(_DELIMITER)}]+?"
_NAME_CHAR = re.compile(r"[0-9A-Za-z_]")
_SLASHES = re.compile(r"//+")

Pattern = str | re.Pattern[str] | Callable[[Any], object]


# -- path-to-regexp 6 (default options), re-implemented --------------------------------------


def _lex(pattern: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char in "*+?":
            tokens.append(("MODIFIER", char))
        elif char == "\\":
            if i + 1 >= n:
                raise ValueError(f"trailing escape at {i}")
            tokens.append(("ESCAPED", pattern[i + 1]))
            i += 1
        elif char in "{}":
            tokens.append(("OPEN" if char == "{" else "CLOSE", char))
        elif char == ":":
            j = i + 1
            while j < n and _NAME_CHAR.fullmatch(pattern[j]):
                j += 1
            if j == i + 1:
                raise ValueError(f"missing parameter name at {i}")
            tokens.append(("NAME", pattern[i + 1 : j]))
            i = j - 1
        elif char == "(":
            group, i = _lex_group(pattern, i)
            tokens.append(("PATTERN", group))
        else:
            tokens.append(("CHAR", char))
        i += 1
    tokens.append(("END", ""))
    return tokens


def _lex_group(pattern: str, start: int) -> tuple[str, int]:
    """Read a ``( … )`` custom pattern; returns it and the index of the closing paren."""
    depth, j, n = 1, start + 1, len(pattern)
    if j < n and pattern[j] == "?":
        raise ValueError(f'pattern cannot start with "?" at {j}')
    while j < n:
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == ")":
            depth -= 1
            if depth == 0:
                break
        elif pattern[j] == "(":
            depth += 1
            if j + 1 >= n or pattern[j + 1] != "?":
                raise ValueError(f"capturing groups are not allowed at {j}")
        j += 1
    if depth:
        raise ValueError(f"unbalanced pattern at {start}")
    group = pattern[start + 1 : j]
    if not group:
        raise ValueError(f"missing pattern at {start}")
    return group, j


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.i = tokens, 0

    def take(self, kind: str) -> str | None:
        if self.tokens[self.i][0] == kind:
            self.i += 1
            return self.tokens[self.i - 1][1]
        return None

    def must(self, kind: str) -> str:
        value = self.take(kind)
        if value is None:
            found = self.tokens[self.i][0]
            raise ValueError(f"unexpected {found} at token {self.i}, expected {kind}")
        return value

    def text(self) -> str:
        out = ""
        while (value := self.take("CHAR") or self.take("ESCAPED")) is not None:
            out += value
        return out


def _param(prefix: str, suffix: str, pattern: str, modifier: str) -> str:
    prefix, suffix = re.escape(prefix), re.escape(suffix)
    if not (prefix or suffix):
        if modifier in ("+", "*"):
            return f"((?:{pattern}){modifier})"
        return f"({pattern}){modifier}"
    if modifier in ("+", "*"):
        repeat = f"(?:{pattern})(?:{suffix}{prefix}(?:{pattern}))*"
        return f"(?:{prefix}({repeat}){suffix}){'?' if modifier == '*' else ''}"
    return f"(?:{prefix}({pattern}){suffix}){modifier}"


def _to_regex(pattern: str) -> str:
    parser, out, literal = _Parser(_lex(pattern)), [], ""
    while parser.i < len(parser.tokens):
        char = parser.take("CHAR")
        name, group = parser.take("NAME"), parser.take("PATTERN")
        if name is not None or group is not None:
            prefix = char or ""
            if prefix not in _PREFIXES:
                literal, prefix = literal + prefix, ""
            out.append(re.escape(literal))
            literal = ""
            out.append(_param(prefix, "", group or _DEFAULT_SEGMENT, parser.take("MODIFIER") or ""))
            continue
        value = char or parser.take("ESCAPED")
        if value:
            literal += value
            continue
        out.append(re.escape(literal))
        literal = ""
        if parser.take("OPEN") is not None:
            prefix, name = parser.text(), parser.take("NAME")
            group = parser.take("PATTERN") or (_DEFAULT_SEGMENT if name else "")
            suffix = parser.text()
            parser.must("CLOSE")
            modifier = parser.take("MODIFIER") or ""
            plain = f"(?:{re.escape(prefix)}{re.escape(suffix)}){modifier}"
            out.append(_param(prefix, suffix, group, modifier) if group else plain)
            continue
        parser.must("END")
    # not strict, end=True: one optional trailing delimiter.
    return "".join(out) + f"[{re.escape(_DELIMITER)}]?"


def compile_pattern(pattern: str) -> str:
    """Regex source equivalent to path-to-regexp 6 with defaults (use with ``fullmatch``)."""
    try:
        source = _to_regex(pattern)
        re.compile(source, FLAGS)
    except (ValueError, re.error) as exc:
        raise ConfigurationError(f"invalid route pattern {pattern!r}: {exc}") from exc
    return source


# -- the routing path ------------------------------------------------------------------------


def route_path(obj: object) -> str:
    """The path the framework's router dispatches on, found by duck typing (no imports)."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, RequestInfo):
        return obj.path
    path_info = getattr(obj, "path_info", None)
    if isinstance(path_info, str) and hasattr(obj, "META"):  # Django (ASGIRequest has .scope)
        return path_info
    scope = getattr(obj, "scope", None)
    if isinstance(scope, dict) and isinstance(scope.get("path"), str):
        return _starlette_route_path(scope)
    path = getattr(obj, "path", None)
    if isinstance(path, str) and hasattr(obj, "environ"):  # Werkzeug / Flask
        return path
    raise TypeError(f"cannot find a routing path on {type(obj).__name__}")


def _starlette_route_path(scope: dict[str, Any]) -> str:
    path: str = scope["path"]
    root = scope.get("root_path") or ""
    if not isinstance(root, str) or not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root) :] if path[len(root)] == "/" else path


# -- matchers --------------------------------------------------------------------------------


class RouteMatcher:
    """``matcher(request_or_path) -> bool``: True when any pattern matches."""

    __slots__ = ("_callables", "_combined", "_regexes", "patterns")

    def __init__(self, patterns: Iterable[Pattern]) -> None:
        strings: list[str] = []
        regexes: list[re.Pattern[str]] = []
        callables: list[Callable[[Any], object]] = []
        self.patterns = tuple(patterns)
        for pattern in self.patterns:
            if isinstance(pattern, str):
                strings.append(compile_pattern(pattern))
            elif isinstance(pattern, re.Pattern):
                regexes.append(pattern)
            else:
                callables.append(pattern)
        combined = "|".join(f"(?:{s})" for s in strings)
        self._combined = re.compile(combined, FLAGS) if strings else None
        self._regexes = tuple(regexes)
        self._callables = tuple(callables)

    def __repr__(self) -> str:
        return f"RouteMatcher({list(self.patterns)!r})"

    def matches_path(self, path: str) -> bool:
        """Match a routing path (only repeated ``/`` are collapsed)."""
        path = _SLASHES.sub("/", path)
        combined = self._combined
        if combined is not None:
            if combined.fullmatch(path):
                return True
            # Starlette's router uses ``$``, which also matches before one final newline.
            if path.endswith("\n") and combined.fullmatch(path[:-1]):
                return True
        return any(regex.search(path) for regex in self._regexes)

    def __call__(self, obj: Any) -> bool:
        if (self._combined is not None or self._regexes) and self.matches_path(route_path(obj)):
            return True
        return any(bool(func(obj)) for func in self._callables)


def _flatten(patterns: object) -> Iterator[Pattern]:
    if not patterns:
        return
    if isinstance(patterns, str | re.Pattern) or callable(patterns):
        if isinstance(patterns, re.Pattern) and not isinstance(patterns.pattern, str):
            raise ConfigurationError(f"route regex {patterns!r} must be a str pattern, not bytes")
        yield patterns
    elif isinstance(patterns, Iterable) and not isinstance(patterns, bytes | bytearray):
        for item in patterns:
            yield from _flatten(item)
    else:
        raise ConfigurationError(
            f"route pattern {patterns!r} must be a string, a compiled regex, a callable "
            "or an iterable of those"
        )


def create_route_matcher(patterns: object) -> RouteMatcher:
    """Clerk's ``createRouteMatcher``: strings (path-to-regexp 6), regexes, callables, lists."""
    if isinstance(patterns, RouteMatcher):
        return patterns
    return RouteMatcher(_flatten(patterns))


class _StaticAssets(RouteMatcher):
    """Clerk's default static-extension skip rule, opt-in: ``skip=STATIC_ASSETS``.

    Warning: it matches any path *containing* such an extension, so dynamic routes like
    ``/admin/export.csv`` or ``/report.html`` are skipped (left unauthenticated) too. Prefer
    skipping your own static mount: ``skip=["/static(.*)"]``.
    """

    __slots__ = ()


STATIC_ASSETS: RouteMatcher = _StaticAssets(
    [
        re.compile(
            r"^[^?]*\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?"
            r"|xlsx?|zip|webmanifest)"
        )
    ]
)
