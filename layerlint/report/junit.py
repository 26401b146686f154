"""``--format junit``: JUnit XML (GitLab ``artifacts:reports:junit``, Jenkins, Azure, CircleCI).

``<testsuites>`` holds one ``<testsuite>`` per linted file.  Each finding is a ``<testcase>``
with exactly one ``<failure>`` (several failures in one test case are read differently by
different CI servers, one per test case by all of them); a clean file is a single passing
``<testcase>``, and a file that could not be linted is a test case with an ``<error>``.
Counts on every suite add up; all text is escaped (``common.xml_text``: XML-illegal controls,
bidi overrides and undecodable file-name bytes as visible ``\\xNN``) and a message shows at
most ``TEXT_LIMIT`` characters.
"""
from __future__ import annotations

from . import TEXT_LIMIT, clip
from .common import rel_path, xml_attr, xml_text


def render(results, options) -> str:
    suites = []
    total = failures = errors = 0
    for r in results:
        path = rel_path(r.path)
        cases = []
        if r.errors:
            body = "\n".join(f"{path}:{e.line}:{e.column}: {clip(e.message, TEXT_LIMIT)}" if e.line
                             else f"{path}: {clip(e.message, TEXT_LIMIT)}" for e in r.errors)
            cases.append(f'    <testcase name="layerlint" classname="{xml_attr(path)}" file="{xml_attr(path)}" time="0">\n'
                         f'      <error message="{xml_attr(clip(r.errors[0].message, TEXT_LIMIT))}" type="file-error">{xml_text(body)}</error>\n'
                         f'    </testcase>')
        for f in r.findings:
            name = f"{f.rule} {f.title} at {f.span.line}:{f.span.column}"
            message = clip(f.message, TEXT_LIMIT)
            body = f"{path}:{f.span.line}:{f.span.column}: {f.severity} {f.rule} [{f.title}] {message}"
            cases.append(f'    <testcase name="{xml_attr(name)}" classname="{xml_attr(path)}" file="{xml_attr(path)}" '
                         f'line="{f.span.line}" time="0">\n'
                         f'      <failure message="{xml_attr(message)}" type="{xml_attr(f.rule)}">{xml_text(body)}</failure>\n'
                         f'    </testcase>')
        if not r.errors and not r.findings:
            cases.append(f'    <testcase name="layerlint" classname="{xml_attr(path)}" file="{xml_attr(path)}" time="0"/>')
        n_fail, n_err = len(r.findings), (1 if r.errors else 0)
        total += len(cases)
        failures += n_fail
        errors += n_err
        suites.append(f'  <testsuite name="{xml_attr(path)}" tests="{len(cases)}" failures="{n_fail}" '
                      f'errors="{n_err}" skipped="0" time="0">\n' + "\n".join(cases) + "\n  </testsuite>")
    head = (f'<testsuites name="layerlint" tests="{total}" failures="{failures}" errors="{errors}" time="0">')
    body = "\n".join(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + head + ("\n" + body if body else "") + "\n</testsuites>\n"
