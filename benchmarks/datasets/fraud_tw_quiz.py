"""Scam and genuine text messages of an anti-fraud quiz (Taiwan, traditional Chinese).

Source: xu3ru8p/T6-vue-demo, ``ms_csv.csv``: about 170 short messages, each labelled scam (1)
or genuine (2) with a kind (假冒貸款服務, 假冒公務機關或法務機構, 電商平台 …). The scams were
written with a language model after common Taiwanese scam texts; the genuine ones are bank,
shop and operator notices. No licence is stated: the text stays in the local cache, never in
the repository. Rows alternate into ``dev`` and ``test``; tune on ``dev`` only.

Each example's ``types`` holds its class for the fraud benchmark: a scam class of
``recognizers.families.fraud.CLASSES`` or ``benign``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from benchmarks.datasets import Example, read_file, write_split

NAME = "fraud_tw_quiz"
SPLITS = ("dev", "test")
REPO = "xu3ru8p/T6-vue-demo"
RAW = f"https://raw.githubusercontent.com/{REPO}/main/"
LICENCE = "none stated (xu3ru8p/T6-vue-demo): cache only"
SCORING = "cases"
TYPES = ("FRAUD_INDICATOR",)

#: The quiz's kind of scam -> fraud class.
KIND_CLASS = {
    "假冒中獎或抽獎": "prize",
    "假冒中獎／獎勵／優惠": "prize",
    "假冒獎勳或優惠": "prize",
    "獎勵優惠": "prize",
    "假冒活動通知": "prize",
    "假冒公務機關或法務機構": "police",
    "假冒政府機構": "police",
    "政府機構": "police",
    "假冒親友或家人": "boss",
    "假冒貸款服務": "loan",
    "假冒貸款／借款服務": "loan",
    "貸款服務": "loan",
    "假冒金融商品或投資機會": "invest",
    "假冒金融機構": "service",
    "金融機構": "service",
    "假冒電商平台": "service",
    "電商平台": "service",
    "電商／物流平台": "parcel",
}


def fetch(mirror: Path | None) -> None:
    text = read_file(REPO, RAW, "ms_csv.csv", mirror).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    splits: dict[str, list[Example]] = {"dev": [], "test": []}
    for i, row in enumerate(r for r in rows if len(r) >= 6 and r[5].strip() in ("1", "2")):
        kind, body, label = row[1].strip(), row[4].strip(), row[5].strip()
        cls = KIND_CLASS.get(kind, "other") if label == "1" else "benign"
        ex = Example(f"{NAME}-{row[0]}", body, "zh", [], (cls,))
        splits["dev" if i % 2 == 0 else "test"].append(ex)
    for split, examples in splits.items():
        write_split(NAME, split, examples)
