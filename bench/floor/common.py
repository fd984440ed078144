"""Shared code of the floor app: one cached CSV loader and two plotly.graph_objects charts, nothing else."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from synthetic import ensure

COLOURS = {"group A": "#0072B2", "group B": "#E69F00"}


@st.cache_data(max_entries=2)
def load() -> pd.DataFrame:
    return pd.read_csv(ensure())


def draw(df: pd.DataFrame, title: str) -> None:
    st.title(title)
    scatter = go.Figure([go.Scatter(x=g["time_hours"], y=g["value"], mode="markers", name=name,
                                    marker={"color": COLOURS[name]})
                         for name, g in df.groupby("treatment_group")])
    scatter.update_layout(xaxis={"type": "log", "title": "hours"}, yaxis={"title": "value (synthetic)"})
    st.plotly_chart(scatter, key="a")
    counts = df.groupby("dimension").size()
    st.plotly_chart(go.Figure(go.Bar(x=counts.index, y=counts.values)), key="b")
