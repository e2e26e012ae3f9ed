"""Benchmark workload: a small but realistic Flask service. Ready when GET / answers 200."""

import argparse
import asyncio
import base64
import concurrent.futures
import configparser
import csv
import dataclasses
import datetime
import decimal
import email.mime.text
import gzip
import hashlib
import hmac
import http.cookies
import io
import json
import logging
import os
import pathlib
import random
import re
import secrets
import socket
import sqlite3
import ssl
import statistics
import subprocess
import tempfile
import threading
import typing
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
import zlib

import jinja2
import requests
import sqlalchemy
import yaml
from flask import Flask, jsonify, render_template_string
from sqlalchemy import Column, Integer, String, create_engine, select
from sqlalchemy.orm import Session, declarative_base
from sqlalchemy.pool import StaticPool

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
log = logging.getLogger("bench-python")

Base = declarative_base()


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    name = Column(String(64), nullable=False)


@dataclasses.dataclass(frozen=True)
class Settings:
    port: int
    greeting: str


def load_settings() -> Settings:
    cfg = yaml.safe_load("greeting: hello from tracefetch\nitems: [alpha, beta, gamma]\n")
    return Settings(port=int(os.environ.get("PORT", "8080")), greeting=cfg["greeting"])


settings = load_settings()
engine = create_engine("sqlite+pysqlite:///:memory:", poolclass=StaticPool,
                       connect_args={"check_same_thread": False})
Base.metadata.create_all(engine)
with Session(engine) as s:
    s.add_all([Item(name=n) for n in ("alpha", "beta", "gamma")])
    s.commit()

app = Flask(__name__)
PAGE = jinja2.Template("<h1>{{ greeting }}</h1><ul>{% for i in items %}<li>{{ i }}</li>{% endfor %}</ul>")


@app.route("/")
def index():
    with Session(engine) as s:
        names = [i.name for i in s.scalars(select(Item).order_by(Item.id))]
    return render_template_string(PAGE.render(greeting=settings.greeting, items=names))


@app.route("/health")
def health():
    return jsonify(status="ok", id=str(uuid.uuid4()), at=datetime.datetime.now(datetime.timezone.utc).isoformat())


if __name__ == "__main__":
    log.info("starting on port %d (sqlalchemy %s, requests %s)", settings.port, sqlalchemy.__version__, requests.__version__)
    app.run(host="127.0.0.1", port=settings.port, threaded=True)
