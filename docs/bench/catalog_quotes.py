# An independent catalog-shaped generator (not the project's DemoMarket): each provider lists instance
# types in its regions with fixed currency, unit and basis; offers are quoted repeatedly through a day
# in random order with moving prices. Used only to measure cix on another realistic file.
import random, sys
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
n = int(sys.argv[1])
chips = [("H100 SXM5 80GB",3.0),("NVIDIA H100 80GB HBM3",3.1),("H100 PCIe",2.4),("A100-SXM4-80GB",1.6),("A100 40GB",1.2),("L40S",0.9),("L4",0.5),("RTX 4090",0.4),("RTX 3090",0.25),("V100",0.6),("T4",0.3),("B200",5.5),("H200",3.8),("MI300X",2.6),("A10G",0.7),("GH200",3.5),("Mystery X9",1.0)]
regions = ["us-east-1","us-east-2","us-west-2","eu-west-1","eu-central-1","eu-north-1","ap-northeast-1","ap-southeast-1","ap-southeast-2","sa-east-1","us-central1","europe-west4","asia-east1","eastus","westeurope","japaneast","\"Paris, FR, EU\"","\"Texas, US, NA\"","\"Oslo, NO, EU\"","\"Tokyo, JP, APAC\"","DE","US","SG","BR","Atlantis"]
providers = []
for i, name in enumerate(["aws","gcp","azure","oci","lambda","coreweave","runpod","vast","tensordock","fluidstack","paperspace","jarvislabs","datacrunch","scaleway","ovh","hetzner","genesis","crusoe","together","nebius"]):
    cur = random.choice([("USD",1.0)]*6 + [("EUR",0.92),("GBP",0.79)])
    unit = random.choice([("hour",1.0)]*5 + [("month",730.0),("second",1/3600)])
    basis = random.choice(["gpu","instance"])
    providers.append((name, cur, unit, basis, random.sample(regions, 10), random.sample(chips, 8)))
offers = []
for (name, cur, unit, basis, regs, cs) in providers:
    for (chip, base) in cs:
        for g in random.sample([1,2,4,8], 2):
            inter = random.choice(["","infiniband","roce","ethernet"]) if g == 8 else ""
            for r in regs:
                for term in random.sample(["on_demand","spot","1y","reserved_1m","3yr"], 2):
                    oid = "%s-%s-%dx-%s-%s" % (name[:3], chip.split()[0].lower(), g, r.strip('"').split(",")[0].lower().replace(" ", ""), term)
                    offers.append([name, oid, chip, g, r, term, base * random.uniform(0.8, 1.3), cur, unit, basis, inter])
sys.stderr.write("%d offers\n" % len(offers))
out = sys.stdout
out.write("observed_at,source,offer_id,chip,gpu_count,location,term,price,currency,price_unit,price_basis,available_gpus,interconnect\n")
base_t = 1_782_000_000
for i in range(n):
    o = random.choice(offers)
    o[6] *= random.uniform(0.995, 1.005)
    name, oid, chip, g, r, term, price, (cc, rate), (u, f), basis, inter = o
    p = price * f * rate * (g if basis == "instance" else 1)
    hh = random.randrange(86400)
    ts = "2026-06-20T%02d:%02d:%02dZ" % (hh // 3600, hh // 60 % 60, hh % 60)
    avail = "" if random.random() < 0.3 else str(random.randrange(0, 64))
    out.write("%s,%s,%s,%s,%d,%s,%s,%.4f,%s,%s,%s,%s,%s\n" % (ts, name, oid, chip, g, r, term, p, cc, u, basis, avail, inter))
