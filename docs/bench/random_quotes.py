# An independent generator of canonical quote files (not the project's DemoMarket): other providers,
# offer-id shapes, locations, units, currencies and time order; used only to measure cix on another file.
import random, sys
random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
n = int(sys.argv[1])
sources = ["aws","gcp","azure","oci","lambda","coreweave","runpod","vast","tensordock","fluidstack","paperspace","jarvislabs","datacrunch","scaleway","ovh","hetzner","genesis","crusoe","together","nebius"]
chips = ["H100 SXM5 80GB","NVIDIA H100 80GB HBM3","H100 PCIe","A100-SXM4-80GB","A100 40GB","L40S","L4","RTX 4090","RTX 3090","V100","T4","B200","H200","MI300X","A10G","GH200","Tesla P100","Mystery X9"]
locs = ["us-east-1","us-west-2","eu-west-1","eu-central-1","ap-northeast-1","ap-southeast-2","us-central1","europe-west4","asia-east1","eastus","westeurope","japaneast","\"Paris, FR, EU\"","\"Texas, US, NA\"","\"Oslo, NO, EU\"","\"Tokyo, JP, APAC\"","DE","US","SG","BR","\"Sao Paulo, BR, LATAM\"","Atlantis"]
terms = ["on_demand","spot","ondemand","1y","3yr","reserved_1m","preemptible"]
units = [("hour",1.0),("month",730.0),("second",1/3600),("day",24.0)]
cur = [("USD",1.0)]*8 + [("EUR",0.92),("GBP",0.79)]
inter = ["","","infiniband","roce","IB","ethernet","efa"]
out = sys.stdout
out.write("observed_at,source,offer_id,chip,gpu_count,location,term,price,currency,price_unit,price_basis,available_gpus,interconnect\n")
base = 1_782_000_000  # 2026-06-20
for i in range(n):
    t = base + random.randrange(86400)
    frac = "" if random.random() < 0.9 else ".%03d" % random.randrange(1000)
    hh = t % 86400
    d = "2026-06-20"
    ts = "%sT%02d:%02d:%02d%sZ" % (d, hh // 3600, hh // 60 % 60, hh % 60, frac)
    s = random.choice(sources)
    c = random.choice(chips)
    g = random.choice([1,1,1,2,4,8,8])
    u, f = random.choice(units)
    cc, r = random.choice(cur)
    basis = random.choice(["gpu","instance"])
    p = random.uniform(0.2, 6.0) * f * r * (g if basis == "instance" else 1)
    offer = "" if random.random() < 0.05 else "%s-%x-%d" % (s[:3], random.randrange(1 << 32), random.randrange(100))
    avail = "" if random.random() < 0.3 else str(random.randrange(0, 512))
    out.write("%s,%s,%s,%s,%d,%s,%s,%.4f,%s,%s,%s,%s,%s\n" % (ts, s, offer, c, g, random.choice(locs), random.choice(terms), p, cc, u, basis, avail, random.choice(inter)))
