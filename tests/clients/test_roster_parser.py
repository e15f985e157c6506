"""The roster parser reads what spreadsheets save, and reports every problem with its line."""

from __future__ import annotations

import codecs

import pytest

from survey.clients.roster import RosterError, RosterRow, decode, parse_roster, sniff_delimiter

PLAIN = (
    "team path,e-mail,role\n"
    "Global/France/South-West,Anne@Example.com,rep\n"
    "Global/France,bob@example.com,manager\n"
)
EXPECTED = [
    RosterRow(2, ("Global", "France", "South-West"), "anne@example.com", "rep"),
    RosterRow(3, ("Global", "France"), "bob@example.com", "manager"),
]


def rows(data: bytes) -> list[RosterRow]:
    parsed = parse_roster(data)
    assert parsed.errors == []
    return parsed.rows


def errors(data: bytes, **limits) -> list[tuple[int | None, str]]:
    parsed = parse_roster(data, **limits)
    assert not parsed.ok
    return [(error.line, error.message) for error in parsed.errors]


def test_a_plain_utf8_file():
    assert rows(PLAIN.encode()) == EXPECTED


def test_excel_utf8_with_bom_semicolons_and_crlf():
    data = codecs.BOM_UTF8 + PLAIN.replace(",", ";").replace("\n", "\r\n").encode()
    assert rows(data) == EXPECTED


def test_old_mac_line_ends_and_tabs():
    assert rows(PLAIN.replace(",", "\t").replace("\n", "\r").encode()) == EXPECTED


def test_headers_in_any_case_order_and_spelling_and_extra_columns():
    data = (
        b"ROLE;Name;EMAIL;Team_Path\n"
        b"rep;Anne;Anne@Example.com;Global/France/South-West\n"
        b"Manager;Bob;bob@example.com;Global/France\n"
    )
    assert rows(data) == EXPECTED


def test_blank_lines_and_spaces_around_values_are_ignored():
    data = (
        b"\n\nteam path , e-mail , role\r\n\r\n"
        b" Global / France / South-West ;  anne@example.com ; REP \r\n"
        b";;\r\n"
        b"Global/France;bob@example.com;manager\r\n\r\n"
    )
    parsed = rows(data.replace(b",", b";"))
    assert [(row.line, row.path, row.role) for row in parsed] == [
        (5, ("Global", "France", "South-West"), "rep"),
        (7, ("Global", "France"), "manager"),
    ]


def test_latin1_from_excel():
    data = "Team path;E-mail;Role\r\nGlobal/Düsseldorf/Süd;jürgen@example.de;rep\r\n"
    (row,) = rows(data.encode("latin-1"))
    assert row.path == ("Global", "Düsseldorf", "Süd")
    assert row.email == "jürgen@example.de"


def test_windows_1252_characters_that_latin1_lacks():
    # 0x92 is a right single quote and 0x80 the euro sign in Windows-1252 only.
    data = "team;email;role\r\nGlobal/Côte d’Azur €;a@example.fr;rep\r\n".encode("cp1252")
    assert b"\x92" in data and b"\x80" in data
    assert rows(data)[0].path == ("Global", "Côte d’Azur €")


def test_bytes_undefined_in_windows_1252_fall_back_to_latin1():
    assert decode(b"a\x81b") == "a\x81b"
    assert decode("é".encode()) == "é"
    assert decode(codecs.BOM_UTF8 + "é".encode()) == "é"


def test_utf16_unicode_text_from_excel():
    data = PLAIN.replace(",", "\t").replace("\n", "\r\n").encode("utf-16")
    assert rows(data) == EXPECTED


def test_excel_sep_line_names_the_separator():
    data = ("sep=;\r\n" + PLAIN.replace(",", ";")).encode()
    assert [row.line for row in rows(data)] == [3, 4]


def test_quoted_values_may_hold_the_separator_and_line_breaks():
    data = (
        b'team path,e-mail,role\n"Global/Sales, North",a@example.com,rep\n'
        b'"Global/East\nWest",b@example.com,rep\nGlobal,c@example.com,rep\n'
    )
    parsed = parse_roster(data)
    assert parsed.rows[0].path == ("Global", "Sales, North")
    # The line break inside quotes is refused in a name, and reported at the record's first line.
    assert [error.line for error in parsed.errors] == [3]
    assert "control characters" in parsed.errors[0].message
    assert parsed.rows[-1].line == 5


def test_sniff_delimiter_picks_the_most_used_separator():
    assert sniff_delimiter("team;e-mail;role") == ";"
    assert sniff_delimiter("team,e-mail,role") == ","
    assert sniff_delimiter("team\te-mail\trole") == "\t"
    assert sniff_delimiter("team") == ","


def test_errors_name_their_lines():
    data = (
        b"team path;e-mail;role\n"
        b"Global/France;anne@example.com;rep\n"
        b"Global/France;not-an-address;rep\n"
        b"\n"
        b"Global//France;carl@example.com;boss\n"
        b";dora@example.com;\n"
        b"Global;ANNE@example.com;manager\n"
    )
    assert errors(data) == [
        (3, "'not-an-address' is not an e-mail address such as name@example.com."),
        (5, "The team path 'Global//France' has an empty part ('//', or '/' at an end)."),
        (5, "The role 'boss' is unknown; write rep or manager."),
        (6, "The team path is missing."),
        (6, "The role is missing; write rep or manager."),
        (7, "The e-mail anne@example.com is also on line 2."),
    ]


@pytest.mark.parametrize(
    "address",
    [
        "a@b",
        "a@@b.com",
        "a b@c.com",
        "@b.com",
        "a@.com",
        "a@b..com",
        "a@b.com.",
        "x" * 250 + "@b.com",
    ],
)
def test_addresses_that_are_not_sane_are_refused(address):
    data = f"team,email,role\nGlobal,{address},rep\n".encode()
    assert errors(data)[0][0] == 2


def test_an_empty_file():
    message = (
        "The file is empty. It needs a header line (team path, e-mail, role) and one line per "
        "person."
    )
    for data in (b"", b"\r\n\r\n", codecs.BOM_UTF8, b";;;\n"):
        assert errors(data) == [(None, message)]


def test_a_header_without_people():
    assert errors(b"team,email,role\n\n") == [
        (None, "The file has a header but nobody in it: add one line per person.")
    ]


def test_missing_columns_are_named():
    assert errors(b"Team;Name\nGlobal;Anne\n") == [
        (
            1,
            "The header lacks the columns e-mail, role. The first line must name the columns "
            "team path, e-mail and role (in any order), separated by commas or semicolons.",
        )
    ]


def test_a_column_given_twice():
    assert errors(b"team,email,mail,role\n")[0] == (1, "The column e-mail appears twice.")


def test_unknown_role():
    data = b"team,email,role\nGlobal,a@example.com,director\n"
    assert errors(data) == [(2, "The role 'director' is unknown; write rep or manager.")]


def test_too_many_cells_hints_at_quoting():
    data = b"team,email,role\nGlobal/Sales, North,a@example.com,rep\n"
    assert errors(data) == [
        (
            2,
            "This line has 4 cells but the header has 3; put values that contain the separator "
            "in double quotes.",
        )
    ]


def test_team_names_follow_the_team_rules():
    data = f"team,email,role\nGlobal/{'x' * 201},a@example.com,rep\n".encode()
    (line, message), *_ = errors(data)
    assert line == 2 and message.endswith("A team name has at most 200 characters.")


def test_files_over_the_size_limit_are_refused_whole():
    data = PLAIN.encode() * 10
    assert errors(data, max_bytes=len(data) - 1) == [
        (
            None,
            f"The file is {len(data) / 2**20:.1f} MB, more than the "
            f"{(len(data) - 1) / 2**20:.1f} MB a roster may have. Split it into smaller files.",
        )
    ]


def test_files_over_the_row_limit_are_refused_whole():
    lines = "".join(f"Global,p{n}@example.com,rep\n" for n in range(4))
    data = ("team,email,role\n" + lines).encode()
    assert len(parse_roster(data, max_rows=4).rows) == 4
    assert errors(data, max_rows=3) == [
        (None, "The file has more than 3 people. Split it into smaller files.")
    ]


def test_a_workbook_or_binary_file_is_refused_with_advice():
    assert "Save it as CSV" in errors(b"PK\x03\x04rest of an xlsx")[0][1]
    assert errors(b"team\x00,email")[0] == (
        None,
        "This is not a text file. Save the roster as CSV and upload that.",
    )


def test_the_largest_allowed_file_parses():
    # 20,000 people in about 0.8 MB: the limits the app uses by default.
    lines = "".join(f"Global/Team {n % 50};person{n}@example.com;rep\n" for n in range(20_000))
    parsed = parse_roster(("team;email;role\n" + lines).encode())
    assert parsed.ok and len(parsed.rows) == 20_000
    assert parsed.rows[-1].line == 20_001


def test_roster_error_and_row_are_plain_values():
    assert RosterError(3, "x") == RosterError(3, "x")
    assert RosterRow(2, ("A", "B"), "a@b.co", "rep").path_text == "A/B"


def test_addresses_a_mail_header_would_misread_are_refused():
    for email in ("a<b>@example.com", '"q"@example.com', "a,b@example.com", "a b@example.com"):
        quoted = '"' + email.replace('"', '""') + '"'
        parsed = parse_roster(f"team,email,role\nGlobal,{quoted},rep\n".encode())
        assert not parsed.ok, email
    assert parse_roster("team,email,role\nGlobal,jörg.o'neil+x@example.de,rep\n".encode()).ok
