from audit_widgets.rules.uscc import check_character, check_uscc


def test_known_valid_code():
    assert check_uscc("91350100M000100Y43").valid


def test_check_character_follows_gb32100_weights():
    # Σ value × weight over 91350100M000100Y4 is 1640; (31 − 1640 mod 31) mod 31 = 3 → '3'.
    assert check_character("91350100M000100Y4") == "3"


def test_wrong_check_character_names_the_expected_one():
    result = check_uscc("91350100M000100Y42")
    assert not result.valid
    assert "「3」" in result.zh and "'3'" in result.en


def test_wrong_length_and_forbidden_letters():
    assert "18" in check_uscc("9135010").zh
    result = check_uscc("91350100M000100I43")
    assert not result.valid and "第 16 位" in result.zh


def test_check_character_when_the_sum_is_a_multiple_of_31():
    # Σ mod 31 = 0 gives (31 − 0) mod 31 = 0 → '0', not an index past the alphabet.
    assert check_character("9144030000000000G") == "0"
    assert check_uscc("9144030000000000G0").valid
