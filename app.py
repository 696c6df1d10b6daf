"""Fault Tolerance Workbench: the entry point. A frame only: page config, navigation, sidebar."""

import streamlit as st

import ui

st.set_page_config(
    page_title="Fault Tolerance Workbench",
    page_icon=":material/shield:",
    layout="wide",
    initial_sidebar_state="expanded",
)
ui.init_session()

sections: dict[str, list[st.Page]] = {}
for spec in ui.PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.path == ui.PAGES[0].path)
    )
current = st.navigation(sections)

with st.sidebar:
    year = st.radio(
        "Year length",
        list(ui.YEAR_CHOICES),
        key="sidebar.year",
        help="Used for every 'per year' figure. A month is a twelfth of the year.",
    )
    st.session_state["hours_per_year"] = ui.YEAR_CHOICES[year]
    st.caption(
        "Exact reliability maths in your browser. Example data: Los Alamos National Laboratory, "
        "Backblaze (via zachmayer/backblaze_analysis), EHRbase, Apache JMeter, LLMPerf, "
        "and the cloud providers' SLA pages."
    )

current.run()
