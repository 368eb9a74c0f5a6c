"""The floor for a click (benchmarks/clicks.py): a Streamlit app with one selectbox and
one 5-point Plotly chart, the lightest page that still answers a choice with a chart."""

import plotly.graph_objects as go
import streamlit as st

period = st.selectbox("Period", ["Year", "Quarter", "Month"])
scale = {"Year": 1, "Quarter": 2, "Month": 3}[period]
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3, 4, 5], y=[v * scale for v in (1, 3, 2, 5, 4)])))
