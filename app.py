"""Excel Chat: Streamlit entry point (placeholder until the UI issue)."""
import streamlit as st

from core import Settings, Workspace

st.set_page_config(page_title="Excel Chat", page_icon=":bar_chart:", layout="wide")
st.title("Excel Chat")
settings = Settings.from_env()


@st.cache_resource
def workspace() -> Workspace:
    return Workspace(settings)


files = workspace().files()
st.write(f"{len(files)} file(s) in the workspace.")
