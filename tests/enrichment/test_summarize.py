"""Extractive summaries, sentence splitting and key phrases."""

from pathlib import Path

from articles.enrichment.keywords import MAX_TEXT_CHARS as KEYWORD_TEXT_CHARS
from articles.enrichment.keywords import keywords
from articles.enrichment.summarize import MAX_TEXT_CHARS, split_sentences, summarize

SEED_TEXT = next((Path(__file__).parents[2] / "seeds").glob("000_*.txt")).read_text("utf-8")
REPEATED = (
    "The deal aims to accelerate AI adoption, train workers, and develop cybersecurity "
    "partnerships — the latest move by a hyperscaler to compete for sovereign AI and data centers."
)


def test_sentences_keep_their_spans_in_the_text():
    text = "  First one here. Second one, e.g. with an abbreviation. Third!"

    sentences = split_sentences(text)

    assert [s.text for s in sentences] == [
        "First one here.",
        "Second one, e.g. with an abbreviation.",
        "Third!",
    ]
    assert [text[s.start : s.end] for s in sentences] == [s.text for s in sentences]


def test_initials_titles_and_decimals_do_not_end_a_sentence():
    text = "Dr. Smith of the U.S. agency paid 2.5 million. J. Doe agreed."

    assert [s.text for s in split_sentences(text)] == [
        "Dr. Smith of the U.S. agency paid 2.5 million.",
        "J. Doe agreed.",
    ]


def test_line_breaks_end_headings():
    assert [s.text for s in split_sentences("Executive Summary\nThe body starts.")] == [
        "Executive Summary",
        "The body starts.",
    ]


def test_seed_summary_never_repeats_the_repeated_sentence():
    summary = summarize(SEED_TEXT, max_sentences=8)

    assert summary.count(REPEATED) == 1
    assert summary.count("Microsoft announced a $10 billion investment in Japan") == 1


def test_seed_summary_is_three_lead_sentences_in_original_order():
    assert summarize(SEED_TEXT) == (
        "Microsoft announced a $10 billion investment in Japan to enhance AI capabilities and "
        "cybersecurity infrastructure. The initiative focuses on accelerating AI adoption, "
        "workforce training, and establishing cybersecurity partnerships. This strategic move "
        "positions Microsoft against other hyperscalers competing for sovereign AI and data "
        "center dominance in the region."
    )


def test_summary_skips_datelines_headings_and_cut_off_teasers():
    summary = summarize(SEED_TEXT, max_sentences=20)

    assert "Robert Lemos" not in summary
    assert "Executive Summary" not in summary
    assert "accelerating AI..." not in summary
    assert "accelerating AI adoption, workforce training" in summary


def test_text_without_full_stops_falls_back_to_its_long_lines():
    text = "Indicators\nAPT28 staged payloads on 5.252.178[.]44 last week\nEnd"

    assert summarize(text) == "APT28 staged payloads on 5.252.178[.]44 last week"


def test_summary_of_text_without_sentences_is_empty():
    assert summarize("Just a heading") == ""
    assert summarize("A full sentence that is long enough.", max_sentences=0) == ""


def test_seed_keywords_are_its_subjects():
    assert keywords(SEED_TEXT) == [
        "AI",
        "AI adoption",
        "cybersecurity partnerships",
        "Japan",
        "sovereign",
        "data centers",
        "Microsoft",
        "deal aims",
    ]


def test_keywords_ignore_hashes_numbers_and_stop_words():
    text = (
        "The loader drops 44d88612fea8a8f36de82e1278abb02f. The loader is signed. "
        "The loader beacons every 60 seconds. Loader samples are signed."
    )

    found = keywords(text, limit=3)

    assert found[0] == "loader"
    assert not any("44d88612" in phrase or "60" in phrase for phrase in found)


def test_keywords_respect_the_limit():
    assert len(keywords(SEED_TEXT, limit=3)) == 3
    assert keywords(SEED_TEXT, limit=0) == []
    assert keywords("") == []


def test_sentences_end_after_closing_quotes_and_repeated_marks():
    text = 'He said "stop." Then he left?! Nobody followed.\n\nThe end.'

    assert [s.text for s in split_sentences(text)] == [
        'He said "stop."',
        "Then he left?!",
        "Nobody followed.",
        "The end.",
    ]


def test_sentence_of_only_stop_words_does_not_break_the_summary():
    text = (
        "This is what they said about it all. "
        "Attackers breached the hospital network at night and stole patient data."
    )

    assert summarize(text) == "Attackers breached the hospital network at night and stole patient data."


def test_near_repeat_with_one_word_changed_is_summarised_once():
    first = "Attackers breached the regional hospital network and stole patient records overnight."
    near_repeat = "Attackers breached the regional hospital network and stole patient files overnight."
    other = "The hospital restored its services from offline backups within two days."

    summary = summarize(f"{first} {near_repeat} {other}", max_sentences=3)

    assert summary == f"{first} {other}"


def test_summary_reads_only_the_first_twenty_kilobytes():
    lead = "Attackers breached the regional hospital network and stole patient records. " * 5
    filler = "".join(f"Filler sentence number {n} says nothing new at all today. " for n in range(400))
    late = "Investigators later traced the stolen records to a marketplace in another country."
    text = lead + filler + late

    assert len(lead + filler) > MAX_TEXT_CHARS
    assert late not in summarize(text, max_sentences=500)
    assert summarize(text) == summarize(text[:MAX_TEXT_CHARS])


def test_keywords_read_only_the_first_twenty_kilobytes():
    filler = "Analysts reviewed the incident report carefully. " * 500
    late = "Kerberoasting Kerberoasting Kerberoasting appears only here, Kerberoasting again."

    assert len(filler) > KEYWORD_TEXT_CHARS
    assert "Kerberoasting" not in keywords(filler + late, limit=20)
    assert keywords(filler + late) == keywords(filler)


def test_keywords_keep_the_article_spelling_of_names_and_lower_case_openers():
    text = (
        "Ransomware hit the council. The LockBit affiliate used stolen passwords. "
        "Ransomware recovery took weeks while LockBit leaked files. "
        "The council paid no ransom to LockBit."
    )

    assert keywords(text, limit=4) == ["LockBit", "council", "ransomware", "affiliate"]


def test_keywords_count_a_repeated_sentence_once():
    sentence = "Volt Typhoon targeted water utilities. "

    once = keywords(sentence + "Officials responded.")

    assert keywords(sentence * 5 + "Officials responded.") == once
    assert once[:2] == ["Typhoon", "officials"]
