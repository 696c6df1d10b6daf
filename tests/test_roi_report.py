"""ROI exports: each file is opened the way its reader would (openpyxl, json, html.parser)."""

from __future__ import annotations

import html
import io
import json
from html.parser import HTMLParser

import numpy as np
import openpyxl
import pandas as pd
import pytest
from numpy.testing import assert_allclose

import ftmath
from ftmath import report, roi_report
from ftmath.roi import BREAK_EVEN_INPUTS, SENSITIVITY_INPUTS
from ftmath.roi_report import (
    ROI_FORMAT,
    RoiScenario,
    analyse_roi,
    roi_csv,
    roi_document,
    roi_html,
    roi_json,
    roi_markdown,
    roi_xlsx,
    scenario_from_json,
)
from tests.conftest import ROI_WORKED_EXAMPLE as WORKED

HOSTILE = "=HYPERLINK(\"http://evil\") <script>alert('x')</script> | *bold* [link](http://x)"


@pytest.fixture(scope="module")
def analysis() -> ftmath.RoiAnalysis:
    scenario = RoiScenario(
        WORKED,
        uncertain={"cost_per_hour": (4_000, 10_000, 25_000), "capex": (100_000, 150_000, 4e6)},
        name=HOSTILE,
        currency="€",
        notes="-2+3 @team: assumptions <b>unchecked</b>",
        draws=20_000,
        seed=7,
    )
    return analyse_roi(scenario)


class TestAnalysis:
    def test_runs_everything(self, analysis: ftmath.RoiAnalysis) -> None:
        assert_allclose(analysis.result.npv, 1_364_625.89, atol=0.005)
        assert set(analysis.break_even) == set(BREAK_EVEN_INPUTS)
        assert analysis.simulation.draws == 20_000 and analysis.simulation.seed == 7
        assert analysis.sensitivity.index[0] == "mtbf_hours_now"

    def test_validates(self) -> None:
        with pytest.raises(ftmath.InputError, match="`name` must be at most 200"):
            analyse_roi(RoiScenario(WORKED, name="x" * 201))
        with pytest.raises(ftmath.InputError, match="`currency`"):
            analyse_roi(RoiScenario(WORKED, currency="dollars!!"))
        with pytest.raises(ftmath.InputError, match="`capex` must be >= 0"):
            analyse_roi(RoiScenario({**WORKED, "capex": -1}))


class TestJson:
    def test_parses_and_holds_inputs_and_outputs(self, analysis: ftmath.RoiAnalysis) -> None:
        document = json.loads(roi_json(analysis))
        assert document["format"] == ROI_FORMAT and document["name"] == HOSTILE
        assert document["inputs"]["capex"] == 150_000
        assert document["uncertainty"]["capex"] == {"low": 1e5, "likely": 1.5e5, "high": 4e6}
        assert_allclose(document["outputs"]["npv"], 1_364_625.89, atol=0.005)
        assert_allclose(document["outputs"]["irr"], 3.88455, atol=5e-6)
        assert len(document["cash_flows"]) == 4
        assert document["simulation"]["seed"] == 7
        assert document["break_even"]["cost_per_hour"]["value"] == pytest.approx(1286.85, abs=0.01)

    def test_import_restores_the_scenario(self, analysis: ftmath.RoiAnalysis) -> None:
        restored = scenario_from_json(roi_json(analysis))
        assert restored == analysis.scenario
        again = analyse_roi(restored)
        assert again.result.npv == analysis.result.npv
        assert np.array_equal(again.simulation.npv, analysis.simulation.npv)  # same seed

    def test_undefined_outputs_are_null(self) -> None:
        a = analyse_roi(RoiScenario({**WORKED, "capex": 0, "opex_per_year": 0}, draws=100))
        outputs = json.loads(roi_json(a))["outputs"]
        assert outputs["irr"] is None and outputs["roi"] is None
        assert "no up-front cost" in outputs["not_defined"]["irr"]

    def test_utf16_and_bom_are_read(self, analysis: ftmath.RoiAnalysis) -> None:
        text = roi_json(analysis).decode()
        assert scenario_from_json(text.encode("utf-16")) == analysis.scenario
        assert scenario_from_json(text.encode("utf-8-sig")) == analysis.scenario

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"", "the file is empty"),
            (b"   \n", "the file is empty"),
            (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 or UTF-16"),
            (b"{not json", "not valid JSON"),
            (b"[1, 2]", "must be a JSON object"),
            (b'{"format": "topology", "inputs": {}}', "this page reads"),
            (b'{"inputs": {}, "extra": 1}', "`extra` is not a key"),
            # a newcomer imported the Topology page's export here
            (b'{"components": {"a": {"availability": 0.9}}, "system": "a"}',
             "this is a topology document .* import it on the Topology page"),
            (b'{"name": "x"}', "`inputs` must be an object"),
            (b'{"inputs": {"capex": 1}}', "inputs: `cost_per_hour` is missing"),
            # 1,500 nested lists in 3 KB: Python's parser runs out of stack (RecursionError)
            (b'{"inputs":' + b"[" * 1500 + b"]" * 1500 + b"}", "nested too deeply"),
            (b"[" * 100_000, "nested too deeply"),
            # an integer of 5,000 digits exceeds Python's limit on int conversion
            (b'{"inputs": {"capex": ' + b"9" * 5000 + b"}}", "could not be read as JSON"),
            (b"\xff\xfe{\x00x", "starts like UTF-16 text but does not decode"),
            (b'{"inputs": {"cost_per_hour": 1, "mtbf_hours_now": 1, "mttr_hours_now": 0, '
             b'"mtbf_hours_target": 1, "mttr_hours_target": 1, "capex": 1}}',
             "inputs: `mttr_hours_now` must be > 0"),
        ],
    )  # fmt: skip
    def test_bad_files(self, data: bytes, message: str) -> None:
        with pytest.raises(ftmath.InputError, match=message):
            scenario_from_json(data)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"uncertainty": {"capex": {"low": 1, "high": 2}}}, "`uncertainty.capex` needs"),
            ({"uncertainty": {"capex": {"low": 3, "likely": 2, "high": 1}}}, "low <= likely"),
            ({"uncertainty": [1]}, "`uncertainty` must be an object"),
            ({"monte_carlo": {"draws": "many"}}, "`monte_carlo.draws` must be a whole"),
            ({"monte_carlo": {"draws": 0}}, "from 1 to 1,000,000"),
            ({"monte_carlo": {"seed": -3}}, "`monte_carlo.seed` must be from 0 to 2"),
            # a browser's number field cannot hold 2^80: the page would show another seed
            ({"monte_carlo": {"seed": 2**80}}, "`monte_carlo.seed` must be from 0 to 2"),
            ({"monte_carlo": {"poisson": "yes"}}, "true or false"),
            ({"monte_carlo": {"repair": "x"}}, "`monte_carlo.repair`"),
            ({"sensitivity_swing": 1.5}, "`sensitivity_swing`"),
            ({"name": 5}, "`name` must be text"),
        ],
    )
    def test_bad_documents(self, analysis: ftmath.RoiAnalysis, changes: dict, message: str):
        document = {**roi_document(analysis), **changes}
        with pytest.raises(ftmath.InputError, match=message):
            scenario_from_json(json.dumps(document))

    def test_huge_file(self) -> None:
        with pytest.raises(ftmath.InputError, match="at most 2,000,000"):
            scenario_from_json(b" " * 2_000_001)

    def test_minimal_document(self) -> None:
        s = scenario_from_json({"inputs": WORKED})
        assert s.inputs["capex"] == 150_000 and s.uncertain == {} and s.currency == "$"


class TestCsv:
    def test_cash_flows(self, analysis: ftmath.RoiAnalysis) -> None:
        data = roi_csv(analysis)
        assert data.startswith(b"\xef\xbb\xbf")
        table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        assert list(table.columns) == [
            "year", "cash_flow", "discount_factor", "present_value", "cumulative",
            "cumulative_present_value",
        ]  # fmt: skip
        assert table["cash_flow"].iloc[0] == -150_000  # a number, not neutralised
        assert_allclose(table["present_value"].sum(), 1_364_625.89, atol=0.01)


class TestXlsx:
    def test_opens_with_every_sheet(self, analysis: ftmath.RoiAnalysis) -> None:
        book = openpyxl.load_workbook(io.BytesIO(roi_xlsx(analysis)))
        assert book.sheetnames == [
            "Summary", "Inputs", "Cash flows", "Sensitivity", "Break-even", "Monte Carlo",
        ]  # fmt: skip
        inputs = pd.DataFrame(book["Inputs"].values)
        header, rows = list(inputs.iloc[0]), inputs.iloc[1:]
        assert header == ["input", "label", "value", "low", "likely", "high"]
        values = dict(zip(rows[0], rows[2], strict=True))
        assert values["capex"] == 150_000 and values["discount_rate"] == 0.08
        cash = list(book["Cash flows"].values)
        assert cash[0][:2] == ("year", "cash_flow") and cash[1][1] == -150_000
        assert_allclose(cash[3][1], 587_725.6077, rtol=1e-9)
        sens = list(book["Sensitivity"].values)
        assert "npv_low" in sens[0] and len(sens) == 1 + len(SENSITIVITY_INPUTS)
        mc = list(book["Monte Carlo"].values)
        assert sum(row[2] for row in mc[1:]) == 20_000

    def test_text_is_text_and_nothing_is_a_formula(self, analysis: ftmath.RoiAnalysis) -> None:
        book = openpyxl.load_workbook(io.BytesIO(roi_xlsx(analysis)))
        summary = book["Summary"]
        # Stored as string cells, exactly as given: no apostrophe for Excel to show.
        assert summary["D2"].value == HOSTILE and summary["D2"].data_type == "s"
        assert summary["E2"].value.startswith("-2+3") and summary["E2"].data_type == "s"
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith("'"), cell.value

    def test_no_formula_in_the_file_itself(self, analysis: ftmath.RoiAnalysis) -> None:
        import zipfile

        with zipfile.ZipFile(io.BytesIO(roi_xlsx(analysis))) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert sheets
            for name in sheets:
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)

    def test_a_negative_figure_shows_without_an_apostrophe(self) -> None:
        # The reviewer's case: Excel showed '-$163,083.86 in the "shown" column.
        inputs = {**WORKED, "cost_per_hour": 2_500, "capex": 400_000, "opex_per_year": 60_000}
        book = openpyxl.load_workbook(
            io.BytesIO(roi_xlsx(analyse_roi(RoiScenario(inputs, draws=500))))
        )
        rows = {r[0]: r for r in book["Summary"].iter_rows(values_only=True)}
        figure, value, unit, shown, note = rows["Net present value"]
        assert shown == "-$163,083.86"
        assert_allclose(value, -163_083.86, atol=0.01)
        assert rows["Internal rate of return"][3] == "-16.51%"

    def test_general_builder(self) -> None:
        frame = pd.DataFrame({"name": ["@sum", "ok\x00\x07bell", None], "x": [np.nan, np.inf, 2]})
        data = report.xlsx_bytes({"a/b:c*?[x]" * 5: frame, "A/B:C*?[X]" * 5: frame.head(1)})
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert [len(n) <= 31 for n in book.sheetnames] == [True, True]
        assert book.sheetnames[0] != book.sheetnames[1]
        rows = list(book.worksheets[0].values)
        assert rows[1] == ("@sum", None) and rows[2] == ("okbell", None)
        assert rows[3] == (None, 2)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.text).append(data)


@pytest.fixture(scope="module")
def parsed(analysis: ftmath.RoiAnalysis) -> tuple[str, _Collector]:
    page = roi_html(analysis).decode("utf-8")
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return page, collector


class TestHtml:
    def test_self_contained_with_three_charts(self, parsed: tuple[str, _Collector]) -> None:
        page, c = parsed
        assert page.startswith("<!DOCTYPE html>")
        divs = [a for t, a in c.tags if t == "div" and "plotly-graph-div" in a.get("class", "")]
        assert len(divs) == 3
        # plotly.js is inlined once; nothing is loaded from elsewhere
        assert sum("Plotly" in s and len(s) > 1_000_000 for s in c.scripts) == 1
        assert not [a for t, a in c.tags if t == "script" and a.get("src")]
        assert not [a for t, a in c.tags if t == "link"]

    def test_names_are_escaped(self, parsed: tuple[str, _Collector]) -> None:
        page, c = parsed
        assert "<script>alert('x')</script>" not in page
        assert "<b>unchecked</b>" not in page
        text = "".join(c.text)
        assert HOSTILE in text  # shown literally, as text
        title = [t for t, _ in c.tags].count("title")
        assert title == 1

    def test_numbers_are_in_the_text(self, parsed: tuple[str, _Collector]) -> None:
        text = "".join(parsed[1].text)
        assert "€1,364,625.89" in text and "388.45%" in text
        assert "Cost of an hour of downtime" in text and "1,286.85" in text

    def test_charts_make_room_for_their_labels(self, analysis: ftmath.RoiAnalysis) -> None:
        # The reviewer's report cut the tornado's input names ("n)", "x)") and the y-axis
        # numbers: the margins were 10 px and did not grow to fit the labels.
        for build in (
            roi_report.cash_flow_figure,
            roi_report.tornado_figure,
            roi_report.npv_distribution_figure,
        ):
            figure = build(analysis)
            assert figure.layout.yaxis.automargin is True, build.__name__
            assert figure.layout.xaxis.automargin is True, build.__name__
            assert figure.layout.margin.l >= 60, build.__name__

    def test_charts_do_not_follow_the_process_default_template(
        self, analysis: ftmath.RoiAnalysis
    ) -> None:
        # Importing streamlit makes its own template the default (no automargin, no room);
        # the report names its template, so it looks the same either way.
        import plotly.io as pio

        before = pio.templates.default
        try:
            pio.templates.default = "plotly_dark"
            page = roi_html(analysis).decode()
        finally:
            pio.templates.default = before
        assert '"paper_bgcolor":"rgb(17,17,17)"' not in page
        assert page.count('"automargin":true') >= 6

    def test_explanations_speak_the_page_s_units_not_numpy(
        self, analysis: ftmath.RoiAnalysis
    ) -> None:
        """A newcomer read 'IRR 1.80684' beside a headline of 180.68 %, payback in years beside
        months, and formulas in numpy names (expm1, log1p): the report now gives the value in
        the page's unit and the formula as the LaTeX the Markdown report typesets."""
        page = html.unescape(roi_html(analysis).decode())
        assert "expm1" not in page and "log1p" not in page
        assert "3.88455 (388.455 %)" in page  # IRR of the worked example (issue 7)
        assert "0.255221 years (3.06 months)" in page
        assert r"NPV = -C + \sum_{t=1}^{n}" in page

    def test_general_builder_rejects_unknown_blocks(self) -> None:
        with pytest.raises(ftmath.InputError, match=r"`blocks\[0\]`"):
            report.html_report("x", [("script", "alert(1)")])

    def test_general_builder_without_charts_has_no_script(self) -> None:
        page = report.html_report("t", [("table", pd.DataFrame({"a": ["<i>"]}))]).decode()
        assert "<script" not in page and "&lt;i&gt;" in page


class TestMarkdown:
    def test_escaped_and_complete(self, analysis: ftmath.RoiAnalysis) -> None:
        text = roi_markdown(analysis).decode()
        assert "<script>" not in text and "&lt;script&gt;" in text
        assert "\\[link\\]\\(http://x\\)" in text
        for heading in ("## Headline", "## Inputs", "## Cash flows", "## Sensitivity",
                        "## Break-even values", "## How the numbers are computed"):  # fmt: skip
            assert heading in text
        assert "€1,364,625.89" in text


NOTES = "Option B: standby region\r\nOwner: <b>ops</b>\n\n- estimate *unchecked*\n=SUM(A1)"


@pytest.fixture(scope="module")
def noted() -> ftmath.RoiAnalysis:
    return analyse_roi(RoiScenario(WORKED, notes=NOTES, draws=1000))


class TestNotesKeepTheirLineBreaks:
    """The reviewer's notes lost their line breaks in the Markdown and HTML reports."""

    def test_markdown(self, noted: ftmath.RoiAnalysis) -> None:
        text = roi_markdown(noted).decode()
        # hard breaks (two spaces) within a paragraph, the blank line kept; every line
        # escaped, so "- " is not a list item and "=" does not underline a heading
        assert (
            "Option B: standby region  \nOwner: &lt;b&gt;ops&lt;/b&gt;\n\n"
            "\\- estimate \\*unchecked\\*  \n\\=SUM\\(A1\\)\n"
        ) in text

    def test_html(self, noted: ftmath.RoiAnalysis) -> None:
        page = roi_html(noted).decode()
        assert (
            "<p>Option B: standby region<br>\nOwner: &lt;b&gt;ops&lt;/b&gt;<br>\n<br>\n"
            "- estimate *unchecked*<br>\n=SUM(A1)</p>"
        ) in page
        assert "<b>ops</b>" not in page

    def test_general_helper(self) -> None:
        assert report.escape_markdown_lines("a\n  1. b\r\n\r\nc|d") == "a  \n1\\. b\n\nc\\|d"
        assert report.escape_markdown_lines("") == ""
