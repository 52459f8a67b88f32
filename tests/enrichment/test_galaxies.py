"""Loading and merging MISP galaxy clusters into entity records."""

import functools

import pytest

from articles.enrichment import galaxies
from articles.enrichment.galaxies import (
    ROLE_ID,
    ROLE_PHRASE,
    ROLE_SUBTECHNIQUE,
    ROLE_SYNONYM,
    split_mitre_value,
)


@pytest.fixture(scope="module")
def actors():
    return {record.name: record for record in galaxies.load_threat_actors()}


@functools.cache
def _software():
    return {record.name: record for record in galaxies.load_software()}


@pytest.fixture(scope="module")
def techniques():
    return {record.external_id: record for record in galaxies.load_attack_patterns()}


def test_mitre_value_is_split_into_name_and_id():
    assert split_mitre_value("APT28 - G0007") == ("APT28", "G0007")
    assert split_mitre_value("Python - T1059.006") == ("Python", "T1059.006")
    assert split_mitre_value("Royal - Ransomware") == ("Royal - Ransomware", None)


def test_mitre_intrusion_set_merges_into_the_misp_threat_actor(actors):
    apt28 = actors["APT28"]
    assert apt28.ref == "misp-galaxy:threat-actor"
    assert apt28.uuid == "5b4ee3ea-eee3-4c8e-8323-85ae32658754"
    assert apt28.cross_refs["mitre-intrusion-set"] == ["bef4c620-0787-42a8-a96d-b7eb6e85917c"]
    assert {"Fancy Bear", "Sofacy", "STRONTIUM"} <= set(apt28.names)


def test_actors_sharing_one_synonym_stay_apart(actors):
    # "Grizzly Steppe" is listed under both APT28 and APT29 in the MISP galaxy.
    assert "APT29" in actors
    assert "APT29" not in actors["APT28"].names
    assert "mitre-intrusion-set" in actors["APT29"].cross_refs


def test_every_threat_actor_appears_once(actors):
    records = galaxies.load_threat_actors()
    assert len(records) == len(actors)
    assert sum("Turla" in record.names for record in records) == 1


def test_misp_entries_that_one_mitre_group_lists_as_aliases_become_one_actor(actors):
    # MISP keeps "Charming Kitten" and "APT35" apart; MITRE's Magic Hound lists both.
    kitten = actors["Charming Kitten"]
    assert "APT35" not in actors
    assert kitten.names["APT35"] == "value"
    assert {"Magic Hound", "TA453", "Phosphorus", "Mint Sandstorm"} <= set(kitten.names)
    assert "b8967b3c-3bc9-11e8-8701-8b1ead8c099e" in kitten.cross_refs["threat-actor"]
    assert kitten.cross_refs["mitre-intrusion-set"] == ["f9d6633a-55e6-4adc-9263-6ae080421a13"]


def test_unc2452_joins_apt29_through_the_mitre_alias_list(actors):
    assert "UNC2452" not in actors
    assert {"UNC2452", "NOBELIUM", "Midnight Blizzard", "Cozy Bear"} <= set(actors["APT29"].names)


def test_mitre_tool_makes_the_merged_software_a_tool():
    software = {record.name: record for record in galaxies.load_software()}
    assert software["PsExec"].kind == "tool"
    assert software["Emotet"].kind == "malware"
    assert software["Emotet"].ref == "misp-galaxy:malpedia"
    assert "mitre-malware" in software["Emotet"].cross_refs


def test_listed_dual_use_software_is_a_tool_even_when_a_galaxy_calls_it_malware():
    assert _software()["Cobalt Strike"].kind == "malware"  # ATT&CK files it as malware
    listed = {r.name: r for r in galaxies.load_software(["Cobalt Strike", "ProcDump"])}
    assert listed["Cobalt Strike"].kind == "tool"
    assert listed["ProcDump"].kind == "tool"
    assert listed["QakBot"].kind == "malware"


def test_platform_variants_are_one_family_named_without_the_suffix():
    lockbit = [r for r in _software().values() if "LockBit (ELF)" in r.names]
    assert len(lockbit) == 1
    assert lockbit[0].name == "LockBit"
    assert {"LockBit (Windows)", "LockBit (OS X)", "LockBit"} <= set(lockbit[0].names)
    assert "ransomware" in lockbit[0].cross_refs


def test_mobile_namesake_of_a_desktop_family_keeps_its_suffix():
    software = _software()
    assert "Anubis (Windows)" in software["Anubis"].names
    assert "Anubis (Windows)" not in software["Anubis (Android)"].names


def test_software_takes_the_attack_spelling_and_never_a_lower_case_one():
    software = _software()
    assert software["Mimikatz"].ref == "misp-galaxy:malpedia"
    assert "MimiKatz" in software["Mimikatz"].names
    assert "Medusa" in software and "medusa" not in software
    assert galaxies.split_platform("BlackCat (ELF)") == ("BlackCat", "elf")
    assert galaxies.split_platform("Hive (Vault 8)") == ("Hive (Vault 8)", None)


def test_revoked_technique_name_and_id_point_at_its_successor(techniques):
    dll = techniques["T1574.001"]
    assert dll.names["DLL Side-Loading"] == ROLE_SUBTECHNIQUE
    assert dll.names["T1073"] == ROLE_ID  # the pre-2020 ID of DLL side-loading
    assert "T1574.002" not in techniques


def test_sectors_keep_the_galaxy_names_and_take_whole_phrases():
    extra = {"phrases": {"Government, Administration": ["government agencies"]}}
    sectors = {record.name: record for record in galaxies.load_sectors(extra)}
    government = sectors["Government, Administration"]
    assert government.names["government agencies"] == ROLE_PHRASE
    assert government.names["Government"] == ROLE_SYNONYM
    assert "Telecoms" in sectors and "Telecommunications" not in sectors


def test_sub_technique_is_named_with_its_parent_and_keeps_its_id(techniques):
    powershell = techniques["T1059.001"]
    assert powershell.name == "Command and Scripting Interpreter: PowerShell"
    assert powershell.names["T1059.001"] == ROLE_ID
    assert powershell.names["PowerShell"] == ROLE_SUBTECHNIQUE
    assert techniques["T1059"].name == "Command and Scripting Interpreter"


def test_pre_attack_revoked_and_deprecated_techniques_are_dropped(techniques):
    assert "T1393" not in techniques  # retired PRE-ATT&CK technique
    entries = galaxies.load_cluster_values("mitre-attack-pattern")
    revoked = {e["meta"]["external_id"] for e in entries if e.get("revoked")}
    current = {e["meta"]["external_id"] for e in entries if not e.get("revoked")}
    only_revoked = revoked - current
    assert only_revoked
    assert not only_revoked & set(techniques)


def test_enterprise_reconnaissance_and_mobile_techniques_are_kept(techniques):
    assert techniques["T1595"].name == "Active Scanning"  # enterprise PRE platform
    assert techniques["T1588.007"].name == "Obtain Capabilities: Artificial Intelligence"
    mobile = [r for r in galaxies.iter_current_techniques() if r[0] == "mobile"]
    assert mobile


def test_countries_use_the_english_name_and_our_aliases():
    extra = {
        "rename": {"United States of America": "United States"},
        "aliases": {"Japan": ["Japanese"]},
    }
    countries = {record.name: record for record in galaxies.load_countries(extra)}
    assert len(countries) == 252
    assert "United States of America" in countries["United States"].names
    assert countries["Japan"].names["Japanese"] == "synonym"
    assert countries["Japan"].ref == "misp-galaxy:country"


def test_galaxy_version_names_the_installed_package():
    assert galaxies.galaxy_version().count(".") >= 1


def test_actor_described_as_a_ransomware_group_is_flagged_as_its_operator(actors):
    assert actors["RansomHub"].ransomware_operator
    assert actors["Play"].ransomware_operator
    assert not actors["Chimera"].ransomware_operator  # a state group, not a ransomware brand
    assert not actors["APT28"].ransomware_operator
