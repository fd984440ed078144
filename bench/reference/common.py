"""Shared code of the reference app: one cached loader, one two-chart page."""

from pathlib import Path

import pandas as pd
import plotly.express as px
import streamlit as st

CSV = Path(__file__).resolve().parents[2] / "data" / "evidence.csv"


@st.cache_data(max_entries=2)
def load() -> pd.DataFrame:
    return pd.read_csv(CSV)


def draw(df: pd.DataFrame, title: str) -> None:
    st.title(title)
    st.plotly_chart(px.scatter(df, x="time_hours", y="value", color="treatment_group", log_x=True), key="a")
    st.plotly_chart(px.bar(df.groupby("dimension").size().reset_index(name="n"), x="dimension", y="n"), key="b")
