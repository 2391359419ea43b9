#!/usr/bin/env python3
"""Writes the CSV dialect samples of tests/e2e/dialects.sh, each the way its source writes it
(docs/data-format.md, "Dialects"). Deterministic: run it again and the files are the same bytes.
Usage: python3 make_dialects.py (in this folder)."""
import datetime as dt
import gzip
import random


def bars(n, seed, start=100.0):
    """n daily OHLCV bars of a random walk: (open, high, low, close, volume)."""
    rng = random.Random(seed)
    close = start
    out = []
    for _ in range(n):
        open_ = close * (1 + rng.gauss(0, 0.004))
        close = open_ * (1 + rng.gauss(0.0005, 0.012))
        high = max(open_, close) * (1 + abs(rng.gauss(0, 0.005)))
        low = min(open_, close) * (1 - abs(rng.gauss(0, 0.005)))
        out.append((open_, high, low, close, rng.randint(100_000, 5_000_000)))
    return out


def business_days(start, n):
    day, days = start, []
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def new_york_offset(day):
    """-04:00 in US daylight saving time (second Sunday of March to first Sunday of November), else -05:00."""
    march = dt.date(day.year, 3, 8)
    dst_start = march + dt.timedelta(days=(6 - march.weekday()) % 7)
    november = dt.date(day.year, 11, 1)
    dst_end = november + dt.timedelta(days=(6 - november.weekday()) % 7)
    return "-04:00" if dst_start <= day < dst_end else "-05:00"


def write(name, text):
    with open(name, "w", newline="") as f:
        f.write(text)


days = business_days(dt.date(2020, 1, 2), 60)

# yfinance: Ticker.history(auto_adjust=False).to_csv(): New York midnight with its UTC offset,
# an adjusted close and the Dividends and Stock Splits columns.
lines = ["Date,Open,High,Low,Close,Adj Close,Volume,Dividends,Stock Splits"]
for i, (day, (o, h, l, c, v)) in enumerate(zip(days, bars(60, 1))):
    adj = c * 0.97 if i < 40 else c  # a dividend on bar 40 adjusts the closes before it
    dividend = 0.55 if i == 40 else 0.0
    lines.append(f"{day} 00:00:00{new_york_offset(day)},{o:.6f},{h:.6f},{l:.6f},{c:.6f},{adj:.6f},{v},{dividend},0.0")
write("yfinance-aapl.csv", "\n".join(lines) + "\n")

# A European broker's export: ';'-separated, DD.MM.YYYY dates, decimal commas, '.' grouping thousands, CRLF.
lines = ["Date;Open;High;Low;Close;Volume"]
for day, (o, h, l, c, v) in zip(days, bars(60, 2, start=1180.0)):
    num = lambda x: f"{x:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    lines.append(f"{day:%d.%m.%Y};{num(o)};{num(h)};{num(l)};{num(c)};{v}")
write("broker-sap.csv", "\r\n".join(lines) + "\r\n")

# Intraday bars with separate Date and Time columns (as Stooq and many platforms write them).
lines = ["Date,Time,Open,High,Low,Close,Volume"]
minute_bars = bars(78, 3, start=50.0)
for k, (o, h, l, c, v) in enumerate(minute_bars):
    day = dt.date(2020, 1, 2) if k < 39 else dt.date(2020, 1, 3)
    t = dt.datetime(2000, 1, 1, 9, 30) + dt.timedelta(minutes=10 * (k % 39))
    lines.append(f"{day},{t:%H:%M:%S},{o:.4f},{h:.4f},{l:.4f},{c:.4f},{v // 100}")
write("intraday-date-time.csv", "\n".join(lines) + "\n")

# A long file (one row per date and symbol, as pandas' melt or a data vendor's bulk download writes it).
lines = ["date,symbol,open,high,low,close,volume"]
series = {"AAA": bars(60, 4, 20.0), "BBB": bars(60, 5, 75.0), "CCC": bars(60, 6, 310.0)}
for i, day in enumerate(days):
    for symbol, rows in series.items():
        o, h, l, c, v = rows[i]
        lines.append(f"{day},{symbol},{o:.4f},{h:.4f},{l:.4f},{c:.4f},{v}")
write("long-three-symbols.csv", "\n".join(lines) + "\n")

# A long file whose two tickers never overlap (a ticker reused after a delisting): never one series.
lines = ["Date,Ticker,Open,High,Low,Close,Volume"]
for symbol, part, seed in (("OLD", days[:30], 7), ("NEW", days[30:], 8)):
    for day, (o, h, l, c, v) in zip(part, bars(30, seed, 40.0)):
        lines.append(f"{day},{symbol},{o:.4f},{h:.4f},{l:.4f},{c:.4f},{v}")
write("long-no-overlap.csv", "\n".join(lines) + "\n")

# investing.com's historical data download: newest first, every field quoted, thousands separators,
# "Price" for the close, "Jan 02, 2020" dates, volumes such as "3.46M" and a "Change %" column.
lines = ['"Date","Price","Open","High","Low","Vol.","Change %"']
rows = list(zip(days, bars(60, 9, start=3240.0)))
previous = None
out = []
for day, (o, h, l, c, v) in rows:
    change = "" if previous is None else f"{100 * (c / previous - 1):.2f}%"
    previous = c
    out.append(f'"{day:%b %d, %Y}","{c:,.2f}","{o:,.2f}","{h:,.2f}","{l:,.2f}","{v / 1e6:.2f}M","{change or "0.00%"}"')
write("investing-spx.csv", "\n".join(lines + out[::-1]) + "\n")

# A UK download: DD/MM/YYYY dates (read with --date-format %d/%m/%Y).
lines = ["Date,Open,High,Low,Close,Volume"]
for day, (o, h, l, c, v) in zip(days, bars(60, 10, start=7.5)):
    lines.append(f"{day:%d/%m/%Y},{o:.4f},{h:.4f},{l:.4f},{c:.4f},{v}")
write("uk-ddmmyyyy.csv", "\n".join(lines) + "\n")

# A gzip-compressed download (gzip -n: no name or time in the header, so the bytes are the same each run).
lines = ["Date,Open,High,Low,Close,Volume"]
for day, (o, h, l, c, v) in zip(days, bars(60, 11, start=25.0)):
    lines.append(f"{day},{o:.4f},{h:.4f},{l:.4f},{c:.4f},{v}")
with open("gzip-msft.csv.gz", "wb") as f:
    f.write(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
