"""An independent re-implementation of METHODOLOGY.md §5.2-§5.7 and §6.7, written from the document,
used by the Swift tests to check the engine's numbers from outside it.

Usage (reads JSON on stdin, writes JSON on stdout):
  python3 methodology_reference.py bootstrap   {"sources": [{"prices": [...], "weights": [...], "capacity": x|null}], "cap": .3, "samples": 200, "seed": N}
  python3 methodology_reference.py inputs-hash {"export": "quotes.csv", "grade": G, "chip_factors": {...}, "start": "...Z", "end": "...Z"}
  python3 methodology_reference.py index-hash  {"indices": "indices.csv", "weights": "weights.csv", "index": I, "date": D}
  python3 methodology_reference.py curve-hash  {"fixings": "fixings.csv", "underlying": G, "strip": {"1": G1, ...}, "date": D}
  python3 methodology_reference.py roll-hash   {"indices": "futures-indices.csv", "settlements": "settlements.csv", "curves": "curves.csv", "index": I, "date": D}
  python3 methodology_reference.py nav-hash    {"funds": "funds.csv", "settlements": ..., "curves": ..., "indices": "futures-indices.csv", "rate_index": I|null, "fund": F, "date": D}
"""
import csv, hashlib, json, sys
from datetime import datetime, timezone

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def weighted_median(values, weights):
    """§5.3: values ascending; zero weights skipped; exactly half (within 1e-12 of the total): mean with the next."""
    pairs = [(v, w) for v, w in zip(values, weights) if w > 0]
    total = sum(w for _, w in pairs)
    half = total / 2
    cum = 0.0
    for i, (v, w) in enumerate(pairs):
        cum += w
        if abs(cum - half) <= 1e-12 * total:
            return (v + pairs[i + 1][0]) / 2 if i + 1 < len(pairs) else v
        if cum > half:
            return v
    return pairs[-1][0]


def bounded_weights(raw, floor, cap):
    """§6.4 / §5.4: w = min(cap, max(floor, l * s)) with sum 1; found here by bisection on l."""
    n = len(raw)
    if n * floor > 1 + 1e-12 or n * cap < 1 - 1e-12 or sum(raw) <= 0:
        return [1 / n] * n
    s = [x / sum(raw) for x in raw]
    lo, hi = 0.0, 1.0
    while sum(min(cap, max(floor, hi * x)) for x in s) < 1:
        hi *= 2
    for _ in range(200):
        mid = (lo + hi) / 2
        if sum(min(cap, max(floor, mid * x)) for x in s) < 1:
            lo = mid
        else:
            hi = mid
    return [min(cap, max(floor, hi * x)) for x in s]


def cross_weights(capacities, cap):
    known = sorted(c for c in capacities if c is not None and c > 0)
    if known:
        n = len(known)
        fill = known[n // 2] if n % 2 else (known[n // 2 - 1] + known[n // 2]) / 2
    else:
        fill = 1.0
    raw = [c if c is not None and c > 0 else fill for c in capacities]
    return bounded_weights(raw, 0.0, cap)


def quantile7(sorted_values, q):
    h = (len(sorted_values) - 1) * q
    lo = int(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def weighted_trimmed_mean(values, weights, trim):
    """§5.4 (1.2): values sorted ascending; the mean over the middle slice [t, 1 - t] of the cumulative weight."""
    total = sum(w for w in weights if w > 0)
    lo, hi = trim, 1 - trim
    cum = s = covered = 0.0
    for v, w in zip(values, weights):
        if not w > 0:
            continue
        a = cum
        if a >= hi:
            break
        cum += w / total
        overlap = min(cum, hi) - max(a, lo)
        if overlap > 0:
            s += v * overlap
            covered += overlap
    return s / covered


def bootstrap(sources, cap, samples, seed, trim=0.25):
    """§5.6: S source draws, then for each drawn source its n offer draws; next() mod n."""
    state = seed
    out = []
    S = len(sources)
    for _ in range(samples):
        drawn = []
        for _ in range(S):
            state, r = splitmix64(state)
            drawn.append(r % S)
        values, caps = [], []
        for k in drawn:
            src = sources[k]
            n = len(src["prices"])
            counts = [0] * n
            for _ in range(n):
                state, r = splitmix64(state)
                counts[r % n] += 1
            values.append(weighted_median(src["prices"], [c * w for c, w in zip(counts, src["weights"])]))
            caps.append(src["capacity"])
        w = cross_weights(caps, cap)
        order = sorted(range(S), key=lambda i: (values[i], i))
        out.append(weighted_trimmed_mean([values[i] for i in order], [w[i] for i in order], trim))
    out.sort()
    return [quantile7(out, 0.025), quantile7(out, 0.975)]


def utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def inputs_hash(export, grade, start, end):
    """§5.7 from the quotes export: the grade's priced quotes (every input type) with observed_utc in (start, end]."""
    lo, hi = utc(start), utc(end)
    lines = []
    with open(export, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if grade not in r["grades"].split() or r["usd_per_gpu_hour"] == "":
                continue
            t = utc(r["observed_utc"])
            if not (lo < t <= hi):
                continue
            avail = str(int(float(r["available_gpus"]))) if r["available_gpus"] else ""
            fields = [r["observed_utc"], r["source"], r["offer_id"], r["location"], r["canonical_chip"], r["usd_per_gpu_hour"], avail]
            # 1.3: a transaction or indicative quote's line goes on with its type and volume (as exported).
            if r.get("input_type", "firm") not in ("", "firm"):
                fields += [r["input_type"], r.get("volume_gpu_hours", "")]
            lines.append("|".join(fields) + "\n")
    lines.sort(key=lambda s: s.encode("utf-8"))
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def index_hash(indices, weights, index, date):
    """§6.7 from the indices and weights exports."""
    with open(indices, newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["index"] == index and r["date"] == date)
    text = f"{index}|{date}|{row['link_date']}\n"
    with open(weights, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["index"] == index and r["date"] == date]
    for r in sorted(rows, key=lambda r: r["grade"]):
        text += f"{r['grade']}|{r['weight']}|{r['link_price']}|{r['price']}|{r['held']}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def curve_hash(fixings, underlying, strip, date):
    """§7.4 audit from the fixings export: DATE|UNDERLYING=S|M1:A1 ... (months ascending)."""
    values = {}
    with open(fixings, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["date"] == date and r["value"] != "":
                values[r["grade"]] = r["value"]
    terms = " ".join(f"{m}:{values[strip[str(m)]]}" for m in sorted(int(k) for k in strip))
    text = f"{date}|{underlying}={values[underlying]}|{terms}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def price_rule(settlements, curves, date):
    """§7.7: the settlement of the day, else a positive model price, else the last such on an earlier day."""
    settle, model = {}, {}
    with open(settlements, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            settle[(r["contract"], r["date"])] = r["settle"]
    with open(curves, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["price"] != "" and float(r["price"]) > 0:
                model[(r["contract"], r["date"])] = r["price"]

    def price(contract):
        days = sorted({d for (c, d) in list(settle) + list(model) if c == contract and d <= date}, reverse=True)
        for d in days:
            if (contract, d) in settle:
                return settle[(contract, d)]
            if (contract, d) in model:
                return model[(contract, d)]
        raise KeyError(contract)

    return price


def roll_hash(indices, settlements, curves, index, date):
    """§7.7 audit from the futures-indices, settlements and curves exports."""
    with open(indices, newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["index"] == index and r["date"] == date)
    price = price_rule(settlements, curves, date)
    held = [h.split(":")[0] for h in row["holdings"].split()]
    prices = " ".join(f"{c}={price(c)}" for c in sorted(held))
    text = f"{index}|{date}|{row['holdings']}|{prices}|{row['tbill_rate']}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def nav_hash(funds, settlements, curves, indices, rate_index, fund, date):
    """§8.3 audit from the funds, settlements, curves and futures-indices exports."""
    with open(funds, newline="", encoding="utf-8") as f:
        rows = sorted((r for r in csv.DictReader(f) if r["fund"] == fund and r["date"] <= date), key=lambda r: r["date"])
    row = rows[-1]
    assert row["date"] == date
    previous = rows[-2]["positions"] if len(rows) > 1 else ""
    price = price_rule(settlements, curves, date)
    held = {p.split(":")[0] for p in (previous.split() + row["positions"].split())}
    prices = " ".join(f"{c}={price(c)}" for c in sorted(held))
    rate = ""
    if rate_index is not None and len(rows) > 1:
        with open(indices, newline="", encoding="utf-8") as f:
            rate = next(r for r in csv.DictReader(f) if r["index"] == rate_index and r["date"] == date)["tbill_rate"]
    text = f"{fund}|{date}|{previous}|{row['positions']}|{prices}|{rate}\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


if __name__ == "__main__":
    args = json.load(sys.stdin)
    what = sys.argv[1]
    if what == "bootstrap":
        print(json.dumps(bootstrap(args["sources"], args["cap"], args["samples"], args["seed"])))
    elif what == "inputs-hash":
        print(json.dumps(inputs_hash(args["export"], args["grade"], args["start"], args["end"])))
    elif what == "index-hash":
        print(json.dumps(index_hash(args["indices"], args["weights"], args["index"], args["date"])))
    elif what == "curve-hash":
        print(json.dumps(curve_hash(args["fixings"], args["underlying"], args["strip"], args["date"])))
    elif what == "roll-hash":
        print(json.dumps(roll_hash(args["indices"], args["settlements"], args["curves"], args["index"], args["date"])))
    elif what == "nav-hash":
        print(json.dumps(nav_hash(args["funds"], args["settlements"], args["curves"], args["indices"], args.get("rate_index"),
                                  args["fund"], args["date"])))
