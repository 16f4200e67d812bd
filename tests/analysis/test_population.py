"""Reading a reference population: CBS Kerncijfers downloads in the shapes StatLine and the
open-data API give them, the simple CSV, and every kind of bad file, each refused with the
line and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.population import (
    ADULT_BANDS,
    AGE_BANDS,
    Population,
    PopulationError,
    name_key,
    parse_population,
)

DATA = Path(__file__).parent / "populations"
STATLINE = DATA / "kerncijfers-lindewaard-statline.csv"
API = DATA / "kerncijfers-lindewaard-api.csv"
READABLE = DATA / "kerncijfers-lindewaard-leesbaar.csv"
SIMPLE = DATA / "eenvoudig-lindewaard.csv"

CBS_HEADER = (
    "ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;Codering_3;AantalInwoners_5;"
    "k_0Tot15Jaar_8;k_15Tot25Jaar_9;k_25Tot45Jaar_10;k_45Tot65Jaar_11;k_65JaarOfOuder_12\n"
)


def _problems(data: bytes | str, **kwargs: str) -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    with pytest.raises(PopulationError) as caught:
        parse_population(raw, **kwargs)  # type: ignore[arg-type]
    return [p.text("nl") for p in caught.value.problems]


def _cbs(*rows: str) -> str:
    return CBS_HEADER + "".join(row + "\n" for row in rows)


def _bands(population: Population) -> dict[str, dict[str, int]]:
    return {w.name: dict(w.bands) for w in population.wijken}


def test_a_statline_download_with_bom_semicolons_and_padded_values() -> None:
    population = parse_population(STATLINE.read_bytes())
    assert population.source == "cbs"
    assert population.municipality == "Lindewaard"
    # Only the Wijk rows; the Gemeente and Buurt rows are skipped.
    assert [w.name for w in population.wijken] == [
        "Centrum",
        "Wijk 01 Noord",
        "Oud-Lindewaard",
        "Rietveld",
    ]
    assert [w.code for w in population.wijken] == ["WK990200", "WK990201", "WK990203", "WK990204"]
    centrum = population.wijken[0]
    assert centrum.bands == {"0-14": 430, "15-24": 720, "25-44": 1290, "45-64": 960, "65+": 810}
    assert centrum.total == 4210
    assert centrum.line == 3  # the header is line 1, the Gemeente row line 2
    assert centrum.inhabitants() == 720 + 1290 + 960 + 810  # 15 and older
    # CBS keeps the figures of a wijk with hardly any inhabitants secret ("."): left out.
    assert population.secret == ("Bedrijventerrein De Kade",)


def test_the_api_data_set_with_commas_codes_and_other_column_numbers() -> None:
    population = parse_population(API.read_bytes())
    assert population.municipality == "GM9902"
    assert population.period == "2023JJ00"
    assert [w.code for w in population.wijken] == ["WK990200", "WK990201", "WK990203", "WK990204"]
    assert population.wijken[1].bands["65+"] == 1435
    assert population.total() == sum(
        sum(w.bands[b] for b in ADULT_BANDS) for w in population.wijken
    )


def test_statlines_readable_headers() -> None:
    population = parse_population(READABLE.read_bytes())
    assert (
        _bands(population)["Centrum"] == _bands(parse_population(STATLINE.read_bytes()))["Centrum"]
    )


def test_the_simple_format_with_cbs_band_names_and_ids_alike() -> None:
    population = parse_population(SIMPLE.read_bytes())
    assert population.source == "simple"
    assert _bands(population) == {
        k: v
        for k, v in _bands(parse_population(STATLINE.read_bytes())).items()
        if k in ("Centrum",)
    } | {
        "Noord": {"15-24": 805, "25-44": 1790, "45-64": 2010, "65+": 1440},
        "Oud-Lindewaard": {"15-24": 525, "25-44": 1260, "45-64": 1840, "65+": 1515},
    }


def test_the_simple_format_in_english_with_codes_and_semicolons() -> None:
    text = "area;age_band;inhabitants;code\n" + "".join(
        f"Noord;{band};{100 * (i + 1)};WK990201\n" for i, band in enumerate(ADULT_BANDS)
    )
    (wijk,) = parse_population(text.encode("cp1252")).wijken
    assert wijk.code == "WK990201"
    assert wijk.inhabitants() == 1000


def test_windows_1252_text_is_read() -> None:
    text = _cbs(
        "1;Zuidéinde;Lindewaard;Wijk;WK990209;100;10;20;30;20;20",
    )
    (wijk,) = parse_population(text.encode("cp1252")).wijken
    assert wijk.name == "Zuidéinde"


def test_a_national_file_needs_a_municipality() -> None:
    text = _cbs(
        "0;Lindewaard;Lindewaard;Gemeente;GM9902;200;20;40;60;40;40",
        "1;Centrum;Lindewaard;Wijk;WK990200;100;10;20;30;20;20",
        "2;Dorp;Anderwaard;Wijk;WK990300;100;10;20;30;20;20",
    )
    (problem,) = _problems(text)
    assert "2 gemeenten" in problem and "Lindewaard (GM9902)" in problem
    assert [w.code for w in parse_population(text.encode(), municipality="GM9903").wijken] == [
        "WK990300"
    ]
    assert [w.name for w in parse_population(text.encode(), municipality="lindewaard").wijken] == [
        "Centrum"
    ]
    assert "Gemeente Elders staat niet" in _problems(text, municipality="Elders")[0]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;-20;30;20;20"],
            "regel 2: k_15Tot25Jaar_9: een aantal kan niet negatief zijn (-20).",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;;30;20;20"],
            "regel 2: wijk Centrum: geen aantal bij k_15Tot25Jaar_9.",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;.;20;20"],
            "regel 2: wijk Centrum: geen aantal bij k_25Tot45Jaar_10.",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;30;twintig;20"],
            "regel 2: k_45Tot65Jaar_11: 'twintig' is geen heel getal.",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;30;20,5;20"],
            "regel 2: k_45Tot65Jaar_11: schrijf '20,5' zonder punt of komma: alleen cijfers.",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;30;1.000;20"],
            "regel 2: k_45Tot65Jaar_11: schrijf '1.000' zonder punt of komma: alleen cijfers.",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;30;²;20"],
            "regel 2: k_45Tot65Jaar_11: '²' is geen heel getal.",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;30;١٢;20"],
            "regel 2: k_45Tot65Jaar_11: '١٢' is geen heel getal.",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;30;10000001;20"],
            "regel 2: k_45Tot65Jaar_11: 10000001 is te groot (hooguit 10.000.000).",
        ),
        (
            ["1;Centrum;L;Wijk;WK990200;100;10;20;30;" + "9" * 5000 + ";20"],
            "regel 2: k_45Tot65Jaar_11: 9999",
        ),
        (
            [
                "1;Centrum;L;Wijk;WK990200;100;10;20;30;20;20",
                "2;Centrum;L;Wijk;WK990200;100;10;20;30;20;20",
            ],
            "regel 3: wijk Centrum staat er twee keer in (ook op regel 2).",
        ),
        (
            ["1;Centrum;L;Buurt;BU99020000;100;10;20;30;20;20"],
            "Er staan geen wijken in het bestand",
        ),
    ],
)
def test_bad_cbs_rows(rows: list[str], expected: str) -> None:
    problems = _problems(_cbs(*rows))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    problems = _problems(
        _cbs(
            "1;Centrum;L;Wijk;WK990200;100;10;-20;30;20;20",
            "2;Noord;L;Wijk;WK990201;100;10;20;30;;20",
            "3;Oost;L;Wijk;WK990202;100;10;20;30;20;20",
            "4;Zuid;L;Wijk;WK990203;100;10;20;30;20;x20",
        )
    )
    assert [p.split(":")[0] for p in problems] == ["regel 2", "regel 3", "regel 5"]


def test_a_missing_age_column_names_it() -> None:
    header = CBS_HEADER.replace(";k_65JaarOfOuder_12", "")
    (problem,) = _problems(header + "1;Centrum;L;Wijk;WK990200;100;10;20;30;20\n")
    assert "k_65JaarOfOuder" in problem and "regel 1" in problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "naam,adres,telefoon\nPiet,Dorpsstraat 1,0612345678\n",
            "regel 1: ik herken de kolommen niet",
        ),
        ("", "Het bestand is leeg."),
        ("\n\n  \n", "Het bestand is leeg."),
        ("wijk,leeftijd,inwoners\n", "Er staan geen wijken in het bestand."),
        ("wijk,leeftijd,inwoners\nNoord,18-30,100\n", "regel 2: leeftijd '18-30' ken ik niet"),
        (
            "wijk,leeftijd,inwoners\nNoord,15-24,-5\n",
            "regel 2: inwoners: een aantal kan niet negatief",
        ),
        ("wijk,leeftijd,inwoners\nNoord,15-24,\n", "regel 2: het aantal inwoners ontbreekt."),
        ("wijk,leeftijd,inwoners\n,15-24,10\n", "regel 2: de wijk ontbreekt."),
        (
            "wijk,leeftijd,inwoners,code\nNoord,15-24,10,1234\n",
            "regel 2: '1234' is geen CBS-wijkcode",
        ),
        (
            "wijk,leeftijd,inwoners\nNoord,15-24,10\nNoord,15 tot 25 jaar,12\n",
            "regel 3: Noord, 15-24 staat er twee keer in (ook op regel 2).",
        ),
        (
            "wijk,leeftijd,inwoners\nNoord,15-24,10\nNoord,25-44,10\n",
            "regel 2: wijk Noord: geen regel voor 45-64, 65+.",
        ),
        ('wijk,leeftijd,inwoners\n"Noord,15-24,10\n', "regel"),
    ],
)
def test_bad_simple_files_and_files_that_are_no_population(text: str, expected: str) -> None:
    problems = _problems(text)
    assert any(p.startswith(expected) for p in problems), problems


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "Dit is een Excel-bestand."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Dit is een Excel-bestand."),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "Dit is geen CSV-bestand"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Dit is geen CSV-bestand"),
        (bytes(range(128, 256)) * 40, "Dit is geen CSV-bestand"),
    ],
)
def test_binary_files_are_refused(data: bytes, expected: str) -> None:
    (problem,) = _problems(data)
    assert problem.startswith(expected)


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    (problem,) = _problems(b"x" * 2001, max_bytes=2000)  # type: ignore[arg-type]
    assert problem.startswith("Het bestand is te groot")
    fifty_mb = b"wijk,leeftijd,inwoners\n" + b"Noord,15-24,10\n" * (50 * 1024 * 1024 // 15)
    (problem,) = _problems(fifty_mb)
    assert "hooguit 20 MB" in problem


def test_problems_beyond_the_limit_are_summed_up() -> None:
    text = "wijk,leeftijd,inwoners\n" + "".join(f"W{i},15-24,-1\n" for i in range(80))
    problems = _problems(text)
    assert len(problems) == 51 and problems[-1] == "en nog 30 problemen."


def test_problems_read_in_english_too() -> None:
    with pytest.raises(PopulationError) as caught:
        parse_population(b"wijk,leeftijd,inwoners\nNoord,15-24,-5\n")
    assert caught.value.problems[0].text("en").startswith("line 2: inwoners: a count cannot")
    assert "line 2" in str(caught.value)


def test_names_compare_without_case_accents_punctuation_and_wijk_number() -> None:
    assert name_key("Wijk 01 Noord") == name_key("noord") == "noord"
    assert name_key("De Hoven") == name_key("de-hoven") == name_key("DE HOVEN")
    assert name_key("Zuidéinde") == name_key("Zuideinde")
    assert name_key("Wijk 03") == "wijk03"  # a wijk called only by its number keeps it


def test_the_age_bands_are_cbss() -> None:
    assert [b.id for b in AGE_BANDS] == ["0-14", "15-24", "25-44", "45-64", "65+"]
    assert [(b.low, b.high) for b in AGE_BANDS] == [
        (0, 15),
        (15, 25),
        (25, 45),
        (45, 65),
        (65, None),
    ]


def test_a_wijk_with_a_total_but_secret_ages_is_listed_not_refused() -> None:
    population = parse_population(
        _cbs(
            "1;Centrum;L;Wijk;WK990200;100;10;20;30;20;20",
            "2;De Kade;L;Wijk;WK990209;15;.;.;.;.;.",
        ).encode()
    )
    assert [w.name for w in population.wijken] == ["Centrum"]
    assert population.secret == ("De Kade",)
