"""Writes opportunities.csv, the small CRM-export fixture of the prediction tests.

Invented data (no real export is used): 1,200 opportunities of a fictional CRM, written the way
European exports often are (semicolon delimiter, decimal comma), with the quirks the trainer
must cope with: repeated ids (re-exported rows), missing cells, a date column, yes/no flags, an
end-state column named like one ("Days To Close") and a leaky column with an innocent name
("Contract Value", filled only for won deals). Run: python3 make_opportunities.py
"""
import csv
import datetime
import math
import random

random.seed(42)
rows = []
start = datetime.date(2024, 1, 1)
for i in range(1200):
    channel = random.choices(["Partner", "Direct", "Online"], [0.5, 0.3, 0.2])[0]
    region = random.choice(["North", "South", "East", "West"])
    amount = round(20000 * math.exp(random.gauss(0, 1)), 2)
    employees = int(50 * math.exp(random.gauss(1, 1.2)))
    champion = random.random() < 0.4
    competitor = random.choices(["Known", "Unknown", "None"], [0.3, 0.5, 0.2])[0]
    logit = (-0.9 + 1.4 * champion + (0.6 if channel == "Partner" else -0.6 if channel == "Online" else 0)
             + (0.7 if competitor == "None" else -0.3 if competitor == "Known" else 0)
             - 0.5 * math.log10(amount / 20000) + 0.15 * (region == "West") + random.gauss(0, 0.5))
    won = random.random() < 1 / (1 + math.exp(-logit))
    created = start + datetime.timedelta(days=random.randrange(730))
    days = max(5, int(random.gauss(45 if won else 80, 15)))
    row = {
        "Opportunity Id": f"OPP-{10000 + i}",
        "Created On": created.isoformat(),
        "Channel": channel,
        "Region": region,
        "Amount": f"{amount:.2f}".replace(".", ","),
        "Employees": str(employees) if random.random() > 0.05 else "",
        "Has Champion": "yes" if champion else "no",
        "Competitor": competitor if random.random() > 0.04 else "",
        "Days To Close": str(days),
        "Contract Value": (f"{amount * random.uniform(0.8, 1.0):.2f}".replace(".", ",") if won else "0"),
        "Result": "Won" if won else "Lost",
    }
    if random.random() < 0.01:
        row["Result"] = ""
    rows.append(row)

# Re-exported rows: 40 exact duplicates and 20 updates of an earlier row under the same id.
for _ in range(40):
    rows.append(dict(random.choice(rows)))
for _ in range(20):
    update = dict(random.choice(rows))
    update["Employees"] = str(int(update["Employees"] or 10) + 1)
    rows.append(update)
random.shuffle(rows)

with open("opportunities.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
