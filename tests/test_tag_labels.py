"""Machine tags read as words ("WINELOADER (malware)"), with the machine tag one hover away."""

from __future__ import annotations

import pytest

from articles.templatetags.tag_labels import readable_tag
from tests.factories import ArticleFactory

WINELOADER = 'misp-galaxy:malpedia="WINELOADER"'


@pytest.mark.parametrize(
    ("name", "label"),
    [
        (WINELOADER, "WINELOADER (malware)"),
        ('misp-galaxy:threat-actor="APT29"', "APT29 (threat actor)"),
        ('misp-galaxy:mitre-tool="Cobalt Strike"', "Cobalt Strike (tool)"),
        ('misp-galaxy:some-new-galaxy="Thing"', "Thing (some new galaxy)"),
        ("tlp:amber", "TLP:AMBER"),
        ("tlp:amber+strict", "TLP:AMBER+STRICT"),
        ('admiralty-scale:source-reliability="b"', "Admiralty: B"),
        ('admiralty-scale:information-credibility="2"', "Credibility: 2"),
        ('gazetteer="AnyDesk"', "AnyDesk"),
        ('osint:source-type="blog-post"', "blog-post (source type)"),
        ("ransomware", "ransomware"),
        ("Threat Intel: weekly", "Threat Intel: weekly"),
    ],
)
def test_tags_get_a_readable_label(name, label):
    assert readable_tag(name).text == label


def test_free_labels_are_not_machine_tags():
    assert not readable_tag("ransomware").machine and readable_tag(WINELOADER).machine


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["list", "detail"])
def test_pages_show_the_label_and_keep_the_machine_tag_for_hover_and_screen_readers(page, analyst, login):
    article = ArticleFactory(tags=[WINELOADER, "ransomware"])
    url = "/articles/" if page == "list" else article.get_absolute_url()

    html = login(analyst).get(url).content.decode()

    assert '<a class="tag" href="/articles/?tag=' in html
    assert 'title="misp-galaxy:malpedia=&quot;WINELOADER&quot;">WINELOADER (malware)' in html
    assert (
        '<span class="visually-hidden"> (machine tag misp-galaxy:malpedia=&quot;WINELOADER&quot;)</span>'
        in html
    )
    assert ">ransomware</a>" in html
    assert f">{WINELOADER}<" not in html.replace("&quot;", '"')


def test_tag_link_markup_and_escaping():
    from articles.models import Tag
    from articles.templatetags.tag_labels import tag_link

    plain = tag_link(Tag(name="ransom<ware>", slug="ransom-ware"))
    assert plain == '<a class="tag" href="/articles/?tag=ransom-ware">ransom&lt;ware&gt;</a>'
    machine = tag_link(Tag(name='misp-galaxy:malpedia="Win<X>"', slug="misp-galaxy-malpedia-winx"))
    assert 'title="misp-galaxy:malpedia=&quot;Win&lt;X&gt;&quot;"' in machine
    assert "Win&lt;X&gt; (malware)" in machine
    assert (
        '<span class="visually-hidden"> (machine tag misp-galaxy:malpedia=&quot;Win&lt;X&gt;&quot;)</span>'
        in machine
    )


def test_clip_cuts_long_text_with_an_ellipsis():
    from articles.templatetags.tag_labels import clip

    assert clip("short", 10) == "short"
    assert clip("", 10) == "" and clip(None, 10) == ""
    assert clip("a" * 20, 10) == "a" * 9 + "…"
    assert len(clip("word " * 100, 300)) <= 300
