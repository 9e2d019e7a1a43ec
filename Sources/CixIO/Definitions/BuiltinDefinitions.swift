// Generated from Indices/ by `CIX_RECORD_BUILTIN=1 swift test --filter builtInDefinitions`; do not edit.
// A test fails when this copy differs from Indices/, so a released binary always carries the shipped definitions.

/// The shipped definition files, byte for byte, built into the binary (used when neither --indices nor
/// $CIX_INDICES names a folder).
enum BuiltinDefinitions {
    static let files: [String: String] = [
        "benchmarks.yaml": #"""
# External benchmarks the basis is published against (METHODOLOGY.md §10). Their daily prints are
# inputs (`cix reference ingest FILE`, or a `date,benchmark,value[,unit]` file in the daily job's inbox);
# each benchmark is compared with one of our grades. The two below are the demo market's illustrative
# feeds (an executed-trade index and a listings index); a publisher lists the benchmarks it compares
# against instead, e.g. a public H100 rental index's daily values, mapped to the grade it tracks.
methodology_version: "1.1"
sections: ["10"]
# The trailing band of disagreement: the date and the band_days − 1 calendar days before it.
band_days: 30
benchmarks:
  - id: EXT-H100-TRADES
    name: H100 executed-trade index (demo feed)
    unit: usd_per_gpu_hour
    grade: H100-SXM.NA.OD
  - id: EXT-H100-LISTINGS
    name: H100 listings index (demo feed)
    unit: usd_per_gpu_hour
    grade: H100-SXM.NA.OD

"""#,
        "calendar.yaml": #"""
# Business-day calendar (METHODOLOGY.md §1.6): Monday to Friday minus the holidays below.
# Index rebalances and weight cut-offs (§6.4) follow it; so do the fixing dates when fixing.yaml says
# `fixing_days: business_days`. Shipped: the US exchange (NYSE) full-day holidays 2024–2030, as the
# exchange rules set them: a holiday on a Saturday is observed the Friday before, on a Sunday the Monday
# after; New Year's Day on a Saturday is not observed (the Friday closes a fiscal year).
# A date outside `covered_years` is judged by weekday alone.
methodology_version: "1.1"
sections: ["1.6"]
name: US exchange holidays (NYSE)
covered_years: [2024, 2030]
holidays:
  - {date: 2024-01-01, name: New Year's Day}
  - {date: 2024-01-15, name: Martin Luther King Jr. Day}
  - {date: 2024-02-19, name: Washington's Birthday}
  - {date: 2024-03-29, name: Good Friday}
  - {date: 2024-05-27, name: Memorial Day}
  - {date: 2024-06-19, name: Juneteenth}
  - {date: 2024-07-04, name: Independence Day}
  - {date: 2024-09-02, name: Labor Day}
  - {date: 2024-11-28, name: Thanksgiving Day}
  - {date: 2024-12-25, name: Christmas Day}
  - {date: 2025-01-01, name: New Year's Day}
  - {date: 2025-01-09, name: National Day of Mourning for President Carter (unscheduled closure)}
  - {date: 2025-01-20, name: Martin Luther King Jr. Day}
  - {date: 2025-02-17, name: Washington's Birthday}
  - {date: 2025-04-18, name: Good Friday}
  - {date: 2025-05-26, name: Memorial Day}
  - {date: 2025-06-19, name: Juneteenth}
  - {date: 2025-07-04, name: Independence Day}
  - {date: 2025-09-01, name: Labor Day}
  - {date: 2025-11-27, name: Thanksgiving Day}
  - {date: 2025-12-25, name: Christmas Day}
  - {date: 2026-01-01, name: New Year's Day}
  - {date: 2026-01-19, name: Martin Luther King Jr. Day}
  - {date: 2026-02-16, name: Washington's Birthday}
  - {date: 2026-04-03, name: Good Friday}
  - {date: 2026-05-25, name: Memorial Day}
  - {date: 2026-06-19, name: Juneteenth}
  - {date: 2026-07-03, name: Independence Day}
  - {date: 2026-09-07, name: Labor Day}
  - {date: 2026-11-26, name: Thanksgiving Day}
  - {date: 2026-12-25, name: Christmas Day}
  - {date: 2027-01-01, name: New Year's Day}
  - {date: 2027-01-18, name: Martin Luther King Jr. Day}
  - {date: 2027-02-15, name: Washington's Birthday}
  - {date: 2027-03-26, name: Good Friday}
  - {date: 2027-05-31, name: Memorial Day}
  - {date: 2027-06-18, name: Juneteenth}
  - {date: 2027-07-05, name: Independence Day}
  - {date: 2027-09-06, name: Labor Day}
  - {date: 2027-11-25, name: Thanksgiving Day}
  - {date: 2027-12-24, name: Christmas Day}
  - {date: 2028-01-17, name: Martin Luther King Jr. Day}
  - {date: 2028-02-21, name: Washington's Birthday}
  - {date: 2028-04-14, name: Good Friday}
  - {date: 2028-05-29, name: Memorial Day}
  - {date: 2028-06-19, name: Juneteenth}
  - {date: 2028-07-04, name: Independence Day}
  - {date: 2028-09-04, name: Labor Day}
  - {date: 2028-11-23, name: Thanksgiving Day}
  - {date: 2028-12-25, name: Christmas Day}
  - {date: 2029-01-01, name: New Year's Day}
  - {date: 2029-01-15, name: Martin Luther King Jr. Day}
  - {date: 2029-02-19, name: Washington's Birthday}
  - {date: 2029-03-30, name: Good Friday}
  - {date: 2029-05-28, name: Memorial Day}
  - {date: 2029-06-19, name: Juneteenth}
  - {date: 2029-07-04, name: Independence Day}
  - {date: 2029-09-03, name: Labor Day}
  - {date: 2029-11-22, name: Thanksgiving Day}
  - {date: 2029-12-25, name: Christmas Day}
  - {date: 2030-01-01, name: New Year's Day}
  - {date: 2030-01-21, name: Martin Luther King Jr. Day}
  - {date: 2030-02-18, name: Washington's Birthday}
  - {date: 2030-04-19, name: Good Friday}
  - {date: 2030-05-27, name: Memorial Day}
  - {date: 2030-06-19, name: Juneteenth}
  - {date: 2030-07-04, name: Independence Day}
  - {date: 2030-09-02, name: Labor Day}
  - {date: 2030-11-28, name: Thanksgiving Day}
  - {date: 2030-12-25, name: Christmas Day}

"""#,
        "chips.yaml": #"""
# Chip catalogue (METHODOLOGY.md §3.1). Canonical chip ids, the ways providers write them, and public specs.
#
# Matching: a quote's chip text and every alias are reduced to a key: lower-cased, split on anything
# that is not a letter or digit, vendor and filler words dropped (nvidia, amd, tesla, geforce,
# instinct, gpu, hbm, hbm2e, hbm3, hbm3e, oam, and the GDDR names), remaining parts joined.
# "NVIDIA H100 80GB HBM3" and "h100-80gb" both become "h10080gb". Keys must be unique across chips.
#
# Specs are dense (no sparsity) per GPU. bf16_tflops drives the H100-equivalent performance factor
# (bf16_tflops / 989). Figures are from shared/data/market-facts.md §4 (NVIDIA and AMD datasheets)
# unless `spec_source` says otherwise.
methodology_version: "1.1"
sections: ["3.1", "3.4"]
reference_chip: H100-SXM
chips:
  - id: H100-SXM
    name: NVIDIA H100 SXM 80GB
    vendor: NVIDIA
    generation: Hopper
    form_factor: SXM
    bf16_tflops: 989
    memory_gb: 80
    memory_bandwidth_tbs: 3.35
    aliases:
      - H100                      # bare H100: the SXM part, as hyperscalers and most neoclouds rent it
      - H100 SXM
      - H100 SXM5
      - H100 SXM5 80GB
      - H100 80GB SXM5
      - H100 (80 GB SXM5)         # Lambda
      - H100_SXM                  # Vast.ai API
      - H100-SXM                  # SkyPilot
      - H100 SXM 80GB
      - H100 80GB
      - H100 80GB HBM3            # RunPod, Nebius (NVIDIA H100 80GB HBM3)
      - H100 HGX
      - HGX H100
      - H100-MEGA                 # GCP a3-mega
      - nvidia-h100-80gb          # GCP
      - nvidia-h100-mega-80gb     # GCP
      - H100-NVLINK
      - ND H100 v5                # Azure series name
      - p5.48xlarge               # AWS instance family, when a feed gives only the instance type
      - H100-SXM-8-80G            # Scaleway
  - id: H100-PCIE
    name: NVIDIA H100 PCIe 80GB
    vendor: NVIDIA
    generation: Hopper
    form_factor: PCIe
    bf16_tflops: 756
    memory_gb: 80
    memory_bandwidth_tbs: 2.0
    aliases: [H100 PCIe, H100 PCIe 80GB, H100-PCIE, H100_PCIE, H100 80GB PCIe, H100 (80 GB PCIe), H100-1-80G, H100-2-80G, PCIe H100]
  - id: H100-NVL
    name: NVIDIA H100 NVL 94GB
    vendor: NVIDIA
    generation: Hopper
    form_factor: PCIe
    bf16_tflops: 835
    memory_gb: 94
    memory_bandwidth_tbs: 3.9
    aliases: [H100 NVL, H100-NVL, H100_NVL, H100 NVL 94GB, H100 94GB, NC H100 v5]
  - id: H200
    name: NVIDIA H200 SXM 141GB
    vendor: NVIDIA
    generation: Hopper
    form_factor: SXM
    bf16_tflops: 989
    memory_gb: 141
    memory_bandwidth_tbs: 4.8
    aliases: [H200, H200 SXM, H200-SXM, H200 SXM 141GB, H200 141GB, H200 HGX, HGX H200, nvidia-h200-141gb, ND H200 v5, H200 (141 GB SXM5)]
  - id: H200-NVL
    name: NVIDIA H200 NVL 141GB
    vendor: NVIDIA
    generation: Hopper
    form_factor: PCIe
    bf16_tflops: 835
    memory_gb: 141
    memory_bandwidth_tbs: 4.8
    spec_source: "NVIDIA H200 NVL datasheet (dense BF16 ≈ 836); not in market-facts"
    aliases: [H200 NVL, H200-NVL]
  - id: B200
    name: NVIDIA B200 (HGX) 180GB
    vendor: NVIDIA
    generation: Blackwell
    form_factor: SXM
    bf16_tflops: 2250
    memory_gb: 180
    memory_bandwidth_tbs: 8.0
    aliases: [B200, B200 SXM, B200 SXM6, B200 SXM6 180GB, B200 180GB, HGX B200, B200 HGX, nvidia-b200, B200 (180 GB SXM6)]
  - id: GB200
    name: NVIDIA GB200 (per GPU, NVL72)
    vendor: NVIDIA
    generation: Blackwell
    form_factor: Superchip
    bf16_tflops: 2500
    memory_gb: 186
    memory_bandwidth_tbs: 8.0
    aliases: [GB200, GB200 NVL72, GB200 NVL, nvidia-gb200]
  - id: GH200
    name: NVIDIA GH200 96GB (per GPU)
    vendor: NVIDIA
    generation: Hopper
    form_factor: Superchip
    bf16_tflops: 989
    memory_gb: 96
    memory_bandwidth_tbs: 4.0
    spec_source: "NVIDIA GH200 datasheet (H100-class GPU, 96 GB HBM3, 4 TB/s); not in market-facts"
    aliases: [GH200, GH200 96GB, GH200 (96 GB)]
  - id: A100-SXM-40GB
    name: NVIDIA A100 SXM4 40GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: SXM
    bf16_tflops: 312
    memory_gb: 40
    memory_bandwidth_tbs: 1.56
    aliases: [A100, A100 40GB, A100 SXM4, A100 SXM, A100-SXM4-40GB, A100 SXM4 40GB, A100 (40 GB SXM4), nvidia-tesla-a100, p4d.24xlarge, ND A100 v4, A100_SXM4]
  - id: A100-SXM-80GB
    name: NVIDIA A100 SXM4 80GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: SXM
    bf16_tflops: 312
    memory_gb: 80
    memory_bandwidth_tbs: 2.04
    aliases: [A100 80GB, A100-80GB, A100 80GB SXM, A100 SXM 80GB, A100 SXM4 80GB, A100 80GB SXM4, A100-SXM4-80GB, A100-80GB-SXM, A100-80GB SXM, A100 SXM 80GB, A100 (80 GB SXM4), nvidia-a100-80gb, p4de.24xlarge, ND A100 v4 80GB, ND96amsr A100 v4, A100 80GB SXM, A100-80G, A100-80Gx8]
  - id: A100-PCIE-40GB
    name: NVIDIA A100 PCIe 40GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: PCIe
    bf16_tflops: 312
    memory_gb: 40
    memory_bandwidth_tbs: 1.56
    aliases: [A100 PCIe, A100 PCIe 40GB, A100-PCIE-40GB, A100 40GB PCIe, A100 PCIE]
  - id: A100-PCIE-80GB
    name: NVIDIA A100 PCIe 80GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: PCIe
    bf16_tflops: 312
    memory_gb: 80
    memory_bandwidth_tbs: 1.94
    aliases: [A100 PCIe 80GB, A100 80GB PCIe, A100-PCIE-80GB, A100-80GB PCIe, A100 80GB PCIe, NC A100 v4, A100X]
  - id: L40S
    name: NVIDIA L40S 48GB
    vendor: NVIDIA
    generation: Ada
    form_factor: PCIe
    bf16_tflops: 362
    memory_gb: 48
    memory_bandwidth_tbs: 0.864
    aliases: [L40S, L40S 48GB, L40S-1-48G, g6e.xlarge, g6e.48xlarge]
  - id: L40
    name: NVIDIA L40 48GB
    vendor: NVIDIA
    generation: Ada
    form_factor: PCIe
    bf16_tflops: 181
    memory_gb: 48
    memory_bandwidth_tbs: 0.864
    spec_source: "NVIDIA L40 datasheet (181 dense BF16); not in market-facts"
    aliases: [L40, L40 48GB]
  - id: L4
    name: NVIDIA L4 24GB
    vendor: NVIDIA
    generation: Ada
    form_factor: PCIe
    bf16_tflops: 121
    memory_gb: 24
    memory_bandwidth_tbs: 0.30
    aliases: [L4, L4 24GB, nvidia-l4, L4-1-24G, g6.xlarge, g6.48xlarge]
  - id: A10
    name: NVIDIA A10 / A10G 24GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: PCIe
    bf16_tflops: 125
    memory_gb: 24
    memory_bandwidth_tbs: 0.60
    spec_source: "market-facts §4 gives A10G ≈ A10 ≈ 125 [?]; AWS's A10G is priced as the A10's grade"
    aliases: [A10, A10G, A10 24GB, A10 (24 GB PCIe), g5.xlarge, g5.48xlarge]
  - id: MI300X
    name: AMD Instinct MI300X 192GB
    vendor: AMD
    generation: CDNA3
    form_factor: OAM
    bf16_tflops: 1307
    memory_gb: 192
    memory_bandwidth_tbs: 5.3
    aliases: [MI300X, MI300X OAM, MI300X 192GB, ND MI300X v5, gpu-mi300x1-192gb]
  - id: MI325X
    name: AMD Instinct MI325X 256GB
    vendor: AMD
    generation: CDNA3
    form_factor: OAM
    bf16_tflops: 1307
    memory_gb: 256
    memory_bandwidth_tbs: 6.0
    aliases: [MI325X, MI325X OAM, MI325X 256GB]
  - id: RTX4090
    name: NVIDIA GeForce RTX 4090 24GB
    vendor: NVIDIA
    generation: Ada
    form_factor: PCIe
    bf16_tflops: 165.2
    memory_gb: 24
    memory_bandwidth_tbs: 1.01
    spec_source: "NVIDIA Ada architecture whitepaper (FP16/BF16 tensor, FP32 accumulate, dense); not in market-facts"
    aliases: [RTX 4090, RTX4090, 4090, RTX 4090 24GB]
  - id: RTX5090
    name: NVIDIA GeForce RTX 5090 32GB
    vendor: NVIDIA
    generation: Blackwell
    form_factor: PCIe
    bf16_tflops: 209.5
    memory_gb: 32
    memory_bandwidth_tbs: 1.79
    spec_source: "NVIDIA Blackwell RTX whitepaper (BF16 tensor, FP32 accumulate, dense) [?]; not in market-facts"
    aliases: [RTX 5090, RTX5090, 5090, RTX 5090 32GB]
  - id: V100
    name: NVIDIA V100 16/32GB
    vendor: NVIDIA
    generation: Volta
    form_factor: SXM
    bf16_tflops: 125
    memory_gb: 16
    memory_bandwidth_tbs: 0.90
    spec_source: "NVIDIA V100 datasheet: no BF16; the FP16 tensor figure (125) stands in"
    aliases: [V100, V100 SXM, V100 16GB, V100-16GB, V100-SXM2-16GB, V100 SXM2, nvidia-tesla-v100, V100-32GB, V100 32GB, V100-SXM2-32GB]
  - id: A40
    name: NVIDIA A40 48GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: PCIe
    bf16_tflops: 149.7
    memory_gb: 48
    memory_bandwidth_tbs: 0.696
    spec_source: "NVIDIA A40 datasheet (149.7 dense BF16); not in market-facts"
    aliases: [A40, A40 48GB]
  - id: A30
    name: NVIDIA A30 24GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: PCIe
    bf16_tflops: 165
    memory_gb: 24
    memory_bandwidth_tbs: 0.933
    spec_source: "NVIDIA A30 datasheet (165 dense BF16); not in market-facts"
    aliases: [A30, A30 24GB]
  - id: RTXA6000
    name: NVIDIA RTX A6000 48GB
    vendor: NVIDIA
    generation: Ampere
    form_factor: PCIe
    bf16_tflops: 154.8
    memory_gb: 48
    memory_bandwidth_tbs: 0.768
    spec_source: "NVIDIA RTX A6000 datasheet (BF16 tensor dense); not in market-facts"
    aliases: [RTX A6000, RTXA6000, A6000, RTX-A6000]
  - id: RTX6000-ADA
    name: NVIDIA RTX 6000 Ada 48GB
    vendor: NVIDIA
    generation: Ada
    form_factor: PCIe
    bf16_tflops: 364.2
    memory_gb: 48
    memory_bandwidth_tbs: 0.96
    spec_source: "NVIDIA RTX 6000 Ada datasheet (BF16 tensor dense); not in market-facts"
    aliases: [RTX 6000 Ada, RTX6000-Ada, RTX6000 Ada, RTX 6000Ada, RTX6000Ada, RTX 6000 Ada Generation]
  - id: T4
    name: NVIDIA T4 16GB
    vendor: NVIDIA
    generation: Turing
    form_factor: PCIe
    bf16_tflops: 65
    memory_gb: 16
    memory_bandwidth_tbs: 0.32
    spec_source: "NVIDIA T4 datasheet: no BF16; the FP16 tensor figure (65) stands in"
    aliases: [T4, nvidia-tesla-t4, T4 16GB]

"""#,
        "fixing.yaml": #"""
# Daily fixing parameters (METHODOLOGY.md §5). Every fixing records the hash of its grade's resolved
# definition: the grade, these parameters and the methodology version (§1.1).
methodology_version: "1.3"
sections: ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.9"]
fixing_time_seconds: 57600    # 16:00 UTC
window_hours: 24              # quotes observed in (fixing time − 24 h, fixing time]
outlier_k: 3                  # drop offers outside median ± 3 × 1.4826 × max(MAD, 0.005 × median)
outlier_min_relative_mad: 0.005  # the dispersion floor: a wild offer is dropped even when all others agree
source_cap: 0.30              # no source above 30% of the cross-source weight (weights from the monthly review, §5.8)
min_sources: 3
min_offers: 5
max_stale_days: 5             # carried forward as stale for 5 days, then suspended
bootstrap_samples: 200
bootstrap_seed: 20240101
published_decimals: 4         # USD per GPU-hour
fixing_days: every_day        # compute is rented around the clock: a fixing every calendar day (or business_days)
source_outlier_factor: 3      # 1.2: a source more than 3× above or below the median source value counts as missing (§5.2)
cross_source_trim: 0.25       # 1.2: the fixing is the weighted mean of the source values over the middle 50% of the weight (§5.4)
max_imputed_days: 10          # 1.2: a panel source missing from a window is imputed for up to 10 fixing dates, then dormant (§5.8)
review_days: 28               # 1.2: the monthly panel review looks at the fixing dates of the 28 days before the month's first (§5.8)
min_live_sources: 1           # 1.2: a fixing needs at least one live (not imputed) source (§5.5)
transaction_min_volume_gpu_hours: 10000  # 1.3: transactions decide a window with at least 10,000 GPU-hours kept … (§5.9)
transaction_min_sources: 3    # 1.3: … from at least 3 distinct sources; otherwise firm offers decide
transaction_min_source_volume_gpu_hours: 730  # 1.3: a source trading less (one GPU-month) is left out of the transaction level
indicative_fallback: true     # 1.3: indicative quotes make up a window whose firm offers do not suffice (the last resort)

"""#,
        "funds.yaml": #"""
# Rolling-futures fund designs (METHODOLOGY.md §8). Each fund holds CXH futures (futures.yaml) with
# T-bill collateral and whole contracts, and charges 0.85% a year accrued daily and paid at month end.
# design: front (roll_days), deferred (deferred_months beyond the front) or ladder (ladder_months
# equal positions, each rolled out before its averaging month). flows: a CSV relative to this folder.
methodology_version: "1.1"
sections: ["8.1", "8.2", "8.3", "8.4"]
funds:
  - id: CXH-FRONT
    name: Compute front-month fund (CXH, 5-day roll)
    futures: CXH
    design: front
    roll_days: [5, 9]
    inception: 2025-01-02
    initial_nav: 25.00
    initial_shares: 200000
    exposure: 1.0
    contracts: whole
    expense_ratio: 0.0085
    cost_per_contract: 1.00
    collateral: tbill
    flows: flows/cxh-front.csv
  - id: CXH-LADDER
    name: Compute 12-month ladder fund (CXH)
    futures: CXH
    design: ladder
    ladder_months: 12
    inception: 2025-01-02
    initial_nav: 25.00
    initial_shares: 200000
    contracts: whole
    expense_ratio: 0.0085
    cost_per_contract: 1.00
    collateral: tbill
    flows: flows/cxh-ladder.csv
  - id: CXH-D2
    name: Compute deferred fund (CXH, two months beyond the front)
    futures: CXH
    design: deferred
    deferred_months: 2
    inception: 2025-01-02
    initial_nav: 25.00
    initial_shares: 200000
    contracts: whole
    expense_ratio: 0.0085
    cost_per_contract: 1.00
    collateral: tbill

"""#,
        "futures.yaml": #"""
# Compute futures and rolling futures indices (METHODOLOGY.md §7).
# A futures contract on an underlying grade settles on the average of its daily fixings over the
# contract month (monthly_average) or on the month's last fixing (final_fixing). Tickers are root +
# month code (F G H J K M N Q U V X Z) + two-digit year: CXHJ26 is April 2026. The model curve takes its
# shape from the reserved-term strip (term_grades: months -> grade) and its level from the underlying.
# The strips stop at 6 months: the 1-year grades mix hyperscalers' list commitments (about 7 USD per
# GPU-hour for an H100) with marketplace ones (about 2), which would make every curve non-monotone.
# 14 months are listed, so a 12-month ladder fund (funds.yaml) can hold the next 12 and roll into the 13th.
methodology_version: "1.1"
sections: ["7.1", "7.2", "7.3", "7.4", "7.5", "7.6", "7.7", "7.8"]
futures:
  - root: CXH
    name: H100 SXM compute, North America
    underlying: H100-SXM.NA.OD
    settlement: monthly_average
    contract_gpu_hours: 1000
    tick: 0.0001
    listed_months: 14
    term_grades: {1: H100-SXM.NA.1M, 3: H100-SXM.NA.3M, 6: H100-SXM.NA.6M}
  - root: CXG
    name: H100 SXM compute, global
    underlying: H100-SXM.GLOBAL.OD
    settlement: monthly_average
    contract_gpu_hours: 1000
    tick: 0.0001
    listed_months: 14
    term_grades: {1: H100-SXM.GLOBAL.1M, 3: H100-SXM.GLOBAL.3M, 6: H100-SXM.GLOBAL.6M}
  # The listed H100 contract's shape (as filed for CME's GPU1: 730 GPU-hours, a $0.01 tick, 36
  # consecutive months, cash-settled on the average over the contract month's business days), on this
  # project's North American H100 grade. Beyond the 6-month strip the curve continues the strip's last
  # slope, halved every 6 months (METHODOLOGY.md §7.4), rather than holding the last segment flat.
  - root: GPUX
    name: H100 SXM compute, North America, listed-contract replica
    underlying: H100-SXM.NA.OD
    settlement: monthly_average_business_days
    contract_gpu_hours: 730
    tick: 0.01
    listed_months: 36
    term_grades: {1: H100-SXM.NA.1M, 3: H100-SXM.NA.3M, 6: H100-SXM.NA.6M}
    curve_extension: {damped_slope: {half_life_months: 6}}
    settlement_min_coverage: 0.9
# schedule: front (in month M hold M+1 until the roll, M+2 after), {deferred: k} (k months further),
# or {months: [12 offsets]} (the contract held after month M's roll is M + months[M-1]).
rolling_indices:
  - id: CXH-ROLL
    name: CXH front-month rolling index
    futures: CXH
    schedule: front
    roll_days: [5, 9]
    base_date: 2025-01-02
    base_value: 100
  - id: CXH-ROLL-D2
    name: CXH rolling index, two months deferred
    futures: CXH
    schedule: {deferred: 2}
    base_date: 2025-01-02
  - id: CXG-ROLL
    name: CXG front-month rolling index
    futures: CXG
    schedule: front
    base_date: 2025-01-02
  - id: CXG-ROLL-D2
    name: CXG rolling index, two months deferred
    futures: CXG
    schedule: {deferred: 2}
    base_date: 2025-01-02
  - id: GPUX-ROLL
    name: GPUX (listed-contract replica) front-month rolling index
    futures: GPUX
    schedule: front
    roll_days: [5, 9]
    base_date: 2025-01-02

"""#,
        "grades.yaml": #"""
# Standard contract grades (METHODOLOGY.md §4). A quote belongs to every grade whose chips, region,
# term, minimum GPUs per instance and interconnect it meets: a regional grade and the global one at once.
#
# id: FAMILY.REGION.TERM (OD on-demand, SPOT spot or interruptible, 1M/3M/6M/1Y reserved for 1, 3, 6, 12 months;
# the H100 SXM term strips feed the futures curve model, METHODOLOGY.md §7.4).
# chips: canonical chip id -> quality factor (1.0 for the par chip; a quote counts as price / factor).
# regions: market region codes from locations.yaml, or GLOBAL. min_gpus: GPUs per instance (default 1).
# interconnects: classes accepted (empty or absent: any). Cluster grades need InfiniBand or RoCE and 8 GPUs.
methodology_version: "1.2"
sections: ["4"]
grades:
  - id: H100-SXM.NA.OD
    description: H100 SXM 80GB, North America, on-demand
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: on_demand
  - id: H100-SXM.NA.SPOT
    description: H100 SXM 80GB, North America, spot
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: spot
  - id: H100-SXM.NA.1M
    description: H100 SXM 80GB, North America, 1-month reserved
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: reserved_1m
  - id: H100-SXM.NA.3M
    description: H100 SXM 80GB, North America, 3-month reserved
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: reserved_3m
  - id: H100-SXM.NA.6M
    description: H100 SXM 80GB, North America, 6-month reserved
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: reserved_6m
  - id: H100-SXM.NA.1Y
    description: H100 SXM 80GB, North America, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: reserved_1y
  - id: H100-SXM.EU.OD
    description: H100 SXM 80GB, Europe, on-demand
    chips: {H100-SXM: 1.0}
    regions: [EU]
    term: on_demand
  - id: H100-SXM.EU.SPOT
    description: H100 SXM 80GB, Europe, spot
    chips: {H100-SXM: 1.0}
    regions: [EU]
    term: spot
  - id: H100-SXM.EU.1Y
    description: H100 SXM 80GB, Europe, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [EU]
    term: reserved_1y
  - id: H100-SXM.APAC.OD
    description: H100 SXM 80GB, Asia-Pacific, on-demand
    chips: {H100-SXM: 1.0}
    regions: [APAC]
    term: on_demand
  - id: H100-SXM.APAC.SPOT
    description: H100 SXM 80GB, Asia-Pacific, spot
    chips: {H100-SXM: 1.0}
    regions: [APAC]
    term: spot
  - id: H100-SXM.APAC.1Y
    description: H100 SXM 80GB, Asia-Pacific, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [APAC]
    term: reserved_1y
  - id: H100-SXM.LATAM.OD
    description: H100 SXM 80GB, Latin America, on-demand
    chips: {H100-SXM: 1.0}
    regions: [LATAM]
    term: on_demand
  - id: H100-SXM.LATAM.SPOT
    description: H100 SXM 80GB, Latin America, spot
    chips: {H100-SXM: 1.0}
    regions: [LATAM]
    term: spot
  - id: H100-SXM.LATAM.1Y
    description: H100 SXM 80GB, Latin America, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [LATAM]
    term: reserved_1y
  - id: H100-SXM.MEA.OD
    description: H100 SXM 80GB, Middle East and Africa, on-demand
    chips: {H100-SXM: 1.0}
    regions: [MEA]
    term: on_demand
  - id: H100-SXM.MEA.SPOT
    description: H100 SXM 80GB, Middle East and Africa, spot
    chips: {H100-SXM: 1.0}
    regions: [MEA]
    term: spot
  - id: H100-SXM.MEA.1Y
    description: H100 SXM 80GB, Middle East and Africa, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [MEA]
    term: reserved_1y
  - id: H100-SXM.GLOBAL.OD
    description: H100 SXM 80GB, all market regions, on-demand
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: on_demand
  - id: H100-SXM.GLOBAL.SPOT
    description: H100 SXM 80GB, all market regions, spot
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: spot
  - id: H100-SXM.GLOBAL.1M
    description: H100 SXM 80GB, global, 1-month reserved
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: reserved_1m
  - id: H100-SXM.GLOBAL.3M
    description: H100 SXM 80GB, global, 3-month reserved
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: reserved_3m
  - id: H100-SXM.GLOBAL.6M
    description: H100 SXM 80GB, global, 6-month reserved
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: reserved_6m
  - id: H100-SXM.GLOBAL.1Y
    description: H100 SXM 80GB, all market regions, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: reserved_1y
  - id: H100-PCIE.NA.OD
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), North America, on-demand
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [NAM]
    term: on_demand
  - id: H100-PCIE.NA.SPOT
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), North America, spot
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [NAM]
    term: spot
  - id: H100-PCIE.NA.1Y
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), North America, 1-year reserved
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [NAM]
    term: reserved_1y
  - id: H100-PCIE.EU.OD
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Europe, on-demand
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [EU]
    term: on_demand
  - id: H100-PCIE.EU.SPOT
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Europe, spot
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [EU]
    term: spot
  - id: H100-PCIE.EU.1Y
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Europe, 1-year reserved
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [EU]
    term: reserved_1y
  - id: H100-PCIE.APAC.OD
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Asia-Pacific, on-demand
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [APAC]
    term: on_demand
  - id: H100-PCIE.APAC.SPOT
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Asia-Pacific, spot
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [APAC]
    term: spot
  - id: H100-PCIE.APAC.1Y
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Asia-Pacific, 1-year reserved
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [APAC]
    term: reserved_1y
  - id: H100-PCIE.LATAM.OD
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Latin America, on-demand
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [LATAM]
    term: on_demand
  - id: H100-PCIE.LATAM.SPOT
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Latin America, spot
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [LATAM]
    term: spot
  - id: H100-PCIE.LATAM.1Y
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Latin America, 1-year reserved
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [LATAM]
    term: reserved_1y
  - id: H100-PCIE.MEA.OD
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Middle East and Africa, on-demand
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [MEA]
    term: on_demand
  - id: H100-PCIE.MEA.SPOT
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Middle East and Africa, spot
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [MEA]
    term: spot
  - id: H100-PCIE.MEA.1Y
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), Middle East and Africa, 1-year reserved
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [MEA]
    term: reserved_1y
  - id: H100-PCIE.GLOBAL.OD
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), all market regions, on-demand
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [GLOBAL]
    term: on_demand
  - id: H100-PCIE.GLOBAL.SPOT
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), all market regions, spot
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [GLOBAL]
    term: spot
  - id: H100-PCIE.GLOBAL.1Y
    description: H100 PCIe 80GB (H100 NVL accepted at a 1.10 quality factor), all market regions, 1-year reserved
    chips: {H100-PCIE: 1.0, H100-NVL: 1.1}
    regions: [GLOBAL]
    term: reserved_1y
  - id: H200.NA.OD
    description: H200 SXM 141GB, North America, on-demand
    chips: {H200: 1.0}
    regions: [NAM]
    term: on_demand
  - id: H200.NA.SPOT
    description: H200 SXM 141GB, North America, spot
    chips: {H200: 1.0}
    regions: [NAM]
    term: spot
  - id: H200.NA.1Y
    description: H200 SXM 141GB, North America, 1-year reserved
    chips: {H200: 1.0}
    regions: [NAM]
    term: reserved_1y
  - id: H200.EU.OD
    description: H200 SXM 141GB, Europe, on-demand
    chips: {H200: 1.0}
    regions: [EU]
    term: on_demand
  - id: H200.EU.SPOT
    description: H200 SXM 141GB, Europe, spot
    chips: {H200: 1.0}
    regions: [EU]
    term: spot
  - id: H200.EU.1Y
    description: H200 SXM 141GB, Europe, 1-year reserved
    chips: {H200: 1.0}
    regions: [EU]
    term: reserved_1y
  - id: H200.APAC.OD
    description: H200 SXM 141GB, Asia-Pacific, on-demand
    chips: {H200: 1.0}
    regions: [APAC]
    term: on_demand
  - id: H200.APAC.SPOT
    description: H200 SXM 141GB, Asia-Pacific, spot
    chips: {H200: 1.0}
    regions: [APAC]
    term: spot
  - id: H200.APAC.1Y
    description: H200 SXM 141GB, Asia-Pacific, 1-year reserved
    chips: {H200: 1.0}
    regions: [APAC]
    term: reserved_1y
  - id: H200.LATAM.OD
    description: H200 SXM 141GB, Latin America, on-demand
    chips: {H200: 1.0}
    regions: [LATAM]
    term: on_demand
  - id: H200.LATAM.SPOT
    description: H200 SXM 141GB, Latin America, spot
    chips: {H200: 1.0}
    regions: [LATAM]
    term: spot
  - id: H200.LATAM.1Y
    description: H200 SXM 141GB, Latin America, 1-year reserved
    chips: {H200: 1.0}
    regions: [LATAM]
    term: reserved_1y
  - id: H200.MEA.OD
    description: H200 SXM 141GB, Middle East and Africa, on-demand
    chips: {H200: 1.0}
    regions: [MEA]
    term: on_demand
  - id: H200.MEA.SPOT
    description: H200 SXM 141GB, Middle East and Africa, spot
    chips: {H200: 1.0}
    regions: [MEA]
    term: spot
  - id: H200.MEA.1Y
    description: H200 SXM 141GB, Middle East and Africa, 1-year reserved
    chips: {H200: 1.0}
    regions: [MEA]
    term: reserved_1y
  - id: H200.GLOBAL.OD
    description: H200 SXM 141GB, all market regions, on-demand
    chips: {H200: 1.0}
    regions: [GLOBAL]
    term: on_demand
  - id: H200.GLOBAL.SPOT
    description: H200 SXM 141GB, all market regions, spot
    chips: {H200: 1.0}
    regions: [GLOBAL]
    term: spot
  - id: H200.GLOBAL.1Y
    description: H200 SXM 141GB, all market regions, 1-year reserved
    chips: {H200: 1.0}
    regions: [GLOBAL]
    term: reserved_1y
  - id: B200.NA.OD
    description: B200 HGX 180GB, North America, on-demand
    chips: {B200: 1.0}
    regions: [NAM]
    term: on_demand
  - id: B200.NA.SPOT
    description: B200 HGX 180GB, North America, spot
    chips: {B200: 1.0}
    regions: [NAM]
    term: spot
  - id: B200.NA.1Y
    description: B200 HGX 180GB, North America, 1-year reserved
    chips: {B200: 1.0}
    regions: [NAM]
    term: reserved_1y
  - id: B200.EU.OD
    description: B200 HGX 180GB, Europe, on-demand
    chips: {B200: 1.0}
    regions: [EU]
    term: on_demand
  - id: B200.EU.SPOT
    description: B200 HGX 180GB, Europe, spot
    chips: {B200: 1.0}
    regions: [EU]
    term: spot
  - id: B200.EU.1Y
    description: B200 HGX 180GB, Europe, 1-year reserved
    chips: {B200: 1.0}
    regions: [EU]
    term: reserved_1y
  - id: B200.APAC.OD
    description: B200 HGX 180GB, Asia-Pacific, on-demand
    chips: {B200: 1.0}
    regions: [APAC]
    term: on_demand
  - id: B200.APAC.SPOT
    description: B200 HGX 180GB, Asia-Pacific, spot
    chips: {B200: 1.0}
    regions: [APAC]
    term: spot
  - id: B200.APAC.1Y
    description: B200 HGX 180GB, Asia-Pacific, 1-year reserved
    chips: {B200: 1.0}
    regions: [APAC]
    term: reserved_1y
  - id: B200.LATAM.OD
    description: B200 HGX 180GB, Latin America, on-demand
    chips: {B200: 1.0}
    regions: [LATAM]
    term: on_demand
  - id: B200.LATAM.SPOT
    description: B200 HGX 180GB, Latin America, spot
    chips: {B200: 1.0}
    regions: [LATAM]
    term: spot
  - id: B200.LATAM.1Y
    description: B200 HGX 180GB, Latin America, 1-year reserved
    chips: {B200: 1.0}
    regions: [LATAM]
    term: reserved_1y
  - id: B200.MEA.OD
    description: B200 HGX 180GB, Middle East and Africa, on-demand
    chips: {B200: 1.0}
    regions: [MEA]
    term: on_demand
  - id: B200.MEA.SPOT
    description: B200 HGX 180GB, Middle East and Africa, spot
    chips: {B200: 1.0}
    regions: [MEA]
    term: spot
  - id: B200.MEA.1Y
    description: B200 HGX 180GB, Middle East and Africa, 1-year reserved
    chips: {B200: 1.0}
    regions: [MEA]
    term: reserved_1y
  - id: B200.GLOBAL.OD
    description: B200 HGX 180GB, all market regions, on-demand
    chips: {B200: 1.0}
    regions: [GLOBAL]
    term: on_demand
  - id: B200.GLOBAL.SPOT
    description: B200 HGX 180GB, all market regions, spot
    chips: {B200: 1.0}
    regions: [GLOBAL]
    term: spot
  - id: B200.GLOBAL.1Y
    description: B200 HGX 180GB, all market regions, 1-year reserved
    chips: {B200: 1.0}
    regions: [GLOBAL]
    term: reserved_1y
  - id: A100-80GB.NA.OD
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), North America, on-demand
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [NAM]
    term: on_demand
  - id: A100-80GB.NA.SPOT
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), North America, spot
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [NAM]
    term: spot
  - id: A100-80GB.NA.1Y
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), North America, 1-year reserved
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [NAM]
    term: reserved_1y
  - id: A100-80GB.EU.OD
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Europe, on-demand
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [EU]
    term: on_demand
  - id: A100-80GB.EU.SPOT
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Europe, spot
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [EU]
    term: spot
  - id: A100-80GB.EU.1Y
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Europe, 1-year reserved
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [EU]
    term: reserved_1y
  - id: A100-80GB.APAC.OD
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Asia-Pacific, on-demand
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [APAC]
    term: on_demand
  - id: A100-80GB.APAC.SPOT
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Asia-Pacific, spot
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [APAC]
    term: spot
  - id: A100-80GB.APAC.1Y
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Asia-Pacific, 1-year reserved
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [APAC]
    term: reserved_1y
  - id: A100-80GB.LATAM.OD
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Latin America, on-demand
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [LATAM]
    term: on_demand
  - id: A100-80GB.LATAM.SPOT
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Latin America, spot
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [LATAM]
    term: spot
  - id: A100-80GB.LATAM.1Y
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Latin America, 1-year reserved
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [LATAM]
    term: reserved_1y
  - id: A100-80GB.MEA.OD
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Middle East and Africa, on-demand
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [MEA]
    term: on_demand
  - id: A100-80GB.MEA.SPOT
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Middle East and Africa, spot
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [MEA]
    term: spot
  - id: A100-80GB.MEA.1Y
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), Middle East and Africa, 1-year reserved
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [MEA]
    term: reserved_1y
  - id: A100-80GB.GLOBAL.OD
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), all market regions, on-demand
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [GLOBAL]
    term: on_demand
  - id: A100-80GB.GLOBAL.SPOT
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), all market regions, spot
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [GLOBAL]
    term: spot
  - id: A100-80GB.GLOBAL.1Y
    description: A100 80GB SXM4 (PCIe 80GB accepted at a 0.92 quality factor), all market regions, 1-year reserved
    chips: {A100-SXM-80GB: 1.0, A100-PCIE-80GB: 0.92}
    regions: [GLOBAL]
    term: reserved_1y
  - id: L40S.NA.OD
    description: L40S 48GB, North America, on-demand
    chips: {L40S: 1.0}
    regions: [NAM]
    term: on_demand
  - id: L40S.NA.SPOT
    description: L40S 48GB, North America, spot
    chips: {L40S: 1.0}
    regions: [NAM]
    term: spot
  - id: L40S.NA.1Y
    description: L40S 48GB, North America, 1-year reserved
    chips: {L40S: 1.0}
    regions: [NAM]
    term: reserved_1y
  - id: L40S.EU.OD
    description: L40S 48GB, Europe, on-demand
    chips: {L40S: 1.0}
    regions: [EU]
    term: on_demand
  - id: L40S.EU.SPOT
    description: L40S 48GB, Europe, spot
    chips: {L40S: 1.0}
    regions: [EU]
    term: spot
  - id: L40S.EU.1Y
    description: L40S 48GB, Europe, 1-year reserved
    chips: {L40S: 1.0}
    regions: [EU]
    term: reserved_1y
  - id: L40S.APAC.OD
    description: L40S 48GB, Asia-Pacific, on-demand
    chips: {L40S: 1.0}
    regions: [APAC]
    term: on_demand
  - id: L40S.APAC.SPOT
    description: L40S 48GB, Asia-Pacific, spot
    chips: {L40S: 1.0}
    regions: [APAC]
    term: spot
  - id: L40S.APAC.1Y
    description: L40S 48GB, Asia-Pacific, 1-year reserved
    chips: {L40S: 1.0}
    regions: [APAC]
    term: reserved_1y
  - id: L40S.LATAM.OD
    description: L40S 48GB, Latin America, on-demand
    chips: {L40S: 1.0}
    regions: [LATAM]
    term: on_demand
  - id: L40S.LATAM.SPOT
    description: L40S 48GB, Latin America, spot
    chips: {L40S: 1.0}
    regions: [LATAM]
    term: spot
  - id: L40S.LATAM.1Y
    description: L40S 48GB, Latin America, 1-year reserved
    chips: {L40S: 1.0}
    regions: [LATAM]
    term: reserved_1y
  - id: L40S.MEA.OD
    description: L40S 48GB, Middle East and Africa, on-demand
    chips: {L40S: 1.0}
    regions: [MEA]
    term: on_demand
  - id: L40S.MEA.SPOT
    description: L40S 48GB, Middle East and Africa, spot
    chips: {L40S: 1.0}
    regions: [MEA]
    term: spot
  - id: L40S.MEA.1Y
    description: L40S 48GB, Middle East and Africa, 1-year reserved
    chips: {L40S: 1.0}
    regions: [MEA]
    term: reserved_1y
  - id: L40S.GLOBAL.OD
    description: L40S 48GB, all market regions, on-demand
    chips: {L40S: 1.0}
    regions: [GLOBAL]
    term: on_demand
  - id: L40S.GLOBAL.SPOT
    description: L40S 48GB, all market regions, spot
    chips: {L40S: 1.0}
    regions: [GLOBAL]
    term: spot
  - id: L40S.GLOBAL.1Y
    description: L40S 48GB, all market regions, 1-year reserved
    chips: {L40S: 1.0}
    regions: [GLOBAL]
    term: reserved_1y
  - id: H100-SXM-CLUSTER.NA.OD
    description: H100 SXM 80GB cluster (8+ GPUs, InfiniBand or RoCE), North America, on-demand
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H100-SXM-CLUSTER.NA.1Y
    description: H100 SXM 80GB cluster (8+ GPUs, InfiniBand or RoCE), North America, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [NAM]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H100-SXM-CLUSTER.EU.OD
    description: H100 SXM 80GB cluster (8+ GPUs, InfiniBand or RoCE), Europe, on-demand
    chips: {H100-SXM: 1.0}
    regions: [EU]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H100-SXM-CLUSTER.EU.1Y
    description: H100 SXM 80GB cluster (8+ GPUs, InfiniBand or RoCE), Europe, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [EU]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H100-SXM-CLUSTER.GLOBAL.OD
    description: H100 SXM 80GB cluster (8+ GPUs, InfiniBand or RoCE), all market regions, on-demand
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H100-SXM-CLUSTER.GLOBAL.1Y
    description: H100 SXM 80GB cluster (8+ GPUs, InfiniBand or RoCE), all market regions, 1-year reserved
    chips: {H100-SXM: 1.0}
    regions: [GLOBAL]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H200-CLUSTER.NA.OD
    description: H200 SXM 141GB cluster (8+ GPUs, InfiniBand or RoCE), North America, on-demand
    chips: {H200: 1.0}
    regions: [NAM]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H200-CLUSTER.NA.1Y
    description: H200 SXM 141GB cluster (8+ GPUs, InfiniBand or RoCE), North America, 1-year reserved
    chips: {H200: 1.0}
    regions: [NAM]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H200-CLUSTER.EU.OD
    description: H200 SXM 141GB cluster (8+ GPUs, InfiniBand or RoCE), Europe, on-demand
    chips: {H200: 1.0}
    regions: [EU]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H200-CLUSTER.EU.1Y
    description: H200 SXM 141GB cluster (8+ GPUs, InfiniBand or RoCE), Europe, 1-year reserved
    chips: {H200: 1.0}
    regions: [EU]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H200-CLUSTER.GLOBAL.OD
    description: H200 SXM 141GB cluster (8+ GPUs, InfiniBand or RoCE), all market regions, on-demand
    chips: {H200: 1.0}
    regions: [GLOBAL]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: H200-CLUSTER.GLOBAL.1Y
    description: H200 SXM 141GB cluster (8+ GPUs, InfiniBand or RoCE), all market regions, 1-year reserved
    chips: {H200: 1.0}
    regions: [GLOBAL]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: B200-CLUSTER.NA.OD
    description: B200 HGX 180GB cluster (8+ GPUs, InfiniBand or RoCE), North America, on-demand
    chips: {B200: 1.0}
    regions: [NAM]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: B200-CLUSTER.NA.1Y
    description: B200 HGX 180GB cluster (8+ GPUs, InfiniBand or RoCE), North America, 1-year reserved
    chips: {B200: 1.0}
    regions: [NAM]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: B200-CLUSTER.EU.OD
    description: B200 HGX 180GB cluster (8+ GPUs, InfiniBand or RoCE), Europe, on-demand
    chips: {B200: 1.0}
    regions: [EU]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: B200-CLUSTER.EU.1Y
    description: B200 HGX 180GB cluster (8+ GPUs, InfiniBand or RoCE), Europe, 1-year reserved
    chips: {B200: 1.0}
    regions: [EU]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: B200-CLUSTER.GLOBAL.OD
    description: B200 HGX 180GB cluster (8+ GPUs, InfiniBand or RoCE), all market regions, on-demand
    chips: {B200: 1.0}
    regions: [GLOBAL]
    term: on_demand
    min_gpus: 8
    interconnects: [infiniband, roce]
  - id: B200-CLUSTER.GLOBAL.1Y
    description: B200 HGX 180GB cluster (8+ GPUs, InfiniBand or RoCE), all market regions, 1-year reserved
    chips: {B200: 1.0}
    regions: [GLOBAL]
    term: reserved_1y
    min_gpus: 8
    interconnects: [infiniband, roce]

"""#,
        "indices.yaml": #"""
# Benchmark index definitions (METHODOLOGY.md §6). A publisher adds or changes an index here.
# type: single (level = base_value × fixing / fixing on the base date) or composite (chain-linked
# Laspeyres, rebalanced on the first business day of January, April, July and October).
# An index starts on base_date, or on the first later date with a fixing (its effective base date).
methodology_version: "1.1"
sections: ["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7"]
indices:
  - id: CIX-H100-NA
    name: H100 SXM on-demand, North America
    type: single
    grade: H100-SXM.NA.OD
    base_date: 2025-01-02
  - id: CIX-H100-EU
    name: H100 SXM on-demand, Europe
    type: single
    grade: H100-SXM.EU.OD
    base_date: 2025-01-02
  - id: CIX-H100-APAC
    name: H100 SXM on-demand, Asia-Pacific
    type: single
    grade: H100-SXM.APAC.OD
    base_date: 2025-01-02
  - id: CIX-H100
    name: H100 SXM on-demand, global
    type: single
    grade: H100-SXM.GLOBAL.OD
    base_date: 2025-01-02
  - id: CIX-H100-SPOT
    name: H100 SXM spot, global
    type: single
    grade: H100-SXM.GLOBAL.SPOT
    base_date: 2025-01-02
  - id: CIX-A100-80GB
    name: A100 80GB on-demand, global
    type: single
    grade: A100-80GB.GLOBAL.OD
    base_date: 2025-01-02
  - id: CIX-H200
    name: H200 on-demand, global
    type: single
    grade: H200.GLOBAL.OD
    base_date: 2025-01-02
  - id: CIX-B200
    name: B200 on-demand, global
    type: single
    grade: B200.GLOBAL.OD
    base_date: 2025-07-01
  - id: CIX-CCC
    name: Compute Capacity Composite (H100-equivalent hours, capacity-weighted)
    type: composite
    grades: [H100-SXM.GLOBAL.OD, H100-PCIE.GLOBAL.OD, H200.GLOBAL.OD, B200.GLOBAL.OD, A100-80GB.GLOBAL.OD, L40S.GLOBAL.OD]
    weighting: capacity
    h100_equivalent: true
    performance_basis: bf16       # or bandwidth (METHODOLOGY.md §3.4)
    cap: 0.40
    floor: 0.02
    base_date: 2025-01-02
    weight_lag_business_days: 5
    weight_lookback_days: 91
    min_constituents: 3           # to start and to set a link (§6.5)
    min_live_weight: 0.5          # below this share of weight with its own fixing: suspended that day (§6.5)
    cessation_days: 30            # suspended for longer: ceased (§6.6)

"""#,
        "locations.yaml": #"""
# Location catalogue (METHODOLOGY.md §3.2): market regions, countries, and region codes to countries.
#
# A quote's location resolves, in this order: the source's own region codes (`providers`); the public
# cloud region codes (`region_codes`); either of those with a zone suffix removed (`us-central1-b`,
# `fr-par-2`, `us-east-1a`); an ISO 3166-1 alpha-2 country code; `Place, CC, Continent` text (Vast.ai,
# SkyPilot marketplaces; the place may be empty: `, US, NA`); `CC - site` text (PrimeIntellect).
# Matching is case-insensitive. Anything else is an unknown location (kept, reported unmatched).
methodology_version: "1.2"
# 1.2: North America is NAM (it was NA, which pandas and R read as a missing value). Grade ids keep
# their names (H100-SXM.NA.OD); only the region code changed.
sections: ["3.2"]
regions:
  NAM: North America
  EU: Europe
  APAC: Asia-Pacific
  LATAM: Latin America
  MEA: Middle East and Africa
countries:
  # North America
  US: NAM
  CA: NAM
  # Latin America
  MX: LATAM
  BR: LATAM
  AR: LATAM
  CL: LATAM
  CO: LATAM
  PE: LATAM
  UY: LATAM
  CR: LATAM
  PA: LATAM
  # Europe
  GB: EU
  IE: EU
  FR: EU
  DE: EU
  NL: EU
  BE: EU
  LU: EU
  CH: EU
  AT: EU
  IT: EU
  ES: EU
  PT: EU
  SE: EU
  NO: EU
  FI: EU
  DK: EU
  IS: EU
  PL: EU
  CZ: EU
  SK: EU
  HU: EU
  RO: EU
  BG: EU
  SI: EU
  HR: EU
  RS: EU
  GR: EU
  EE: EU
  LV: EU
  LT: EU
  UA: EU
  RU: EU
  MD: EU
  CY: EU
  MT: EU
  TR: EU
  # Asia-Pacific
  JP: APAC
  KR: APAC
  CN: APAC
  HK: APAC
  TW: APAC
  SG: APAC
  MY: APAC
  TH: APAC
  VN: APAC
  ID: APAC
  PH: APAC
  IN: APAC
  AU: APAC
  NZ: APAC
  KZ: APAC
  # Middle East and Africa
  AE: MEA
  SA: MEA
  QA: MEA
  BH: MEA
  KW: MEA
  OM: MEA
  IL: MEA
  JO: MEA
  EG: MEA
  ZA: MEA
  NG: MEA
  KE: MEA
  MA: MEA
region_codes:
  # AWS
  us-east-1: US
  us-east-2: US
  us-west-1: US
  us-west-2: US
  us-gov-east-1: US
  us-gov-west-1: US
  ca-central-1: CA
  ca-west-1: CA
  mx-central-1: MX
  sa-east-1: BR
  eu-west-1: IE
  eu-west-2: GB
  eu-west-3: FR
  eu-central-1: DE
  eu-central-2: CH
  eu-north-1: SE
  eu-south-1: IT
  eu-south-2: ES
  ap-east-1: HK
  ap-east-2: TW
  ap-south-1: IN
  ap-south-2: IN
  ap-northeast-1: JP
  ap-northeast-2: KR
  ap-northeast-3: JP
  ap-southeast-1: SG
  ap-southeast-2: AU
  ap-southeast-3: ID
  ap-southeast-4: AU
  ap-southeast-5: MY
  ap-southeast-7: TH
  me-south-1: BH
  me-central-1: AE
  il-central-1: IL
  af-south-1: ZA
  cn-north-1: CN
  cn-northwest-1: CN
  # GCP
  us-central1: US
  us-east1: US
  us-east4: US
  us-east5: US
  us-south1: US
  us-west1: US
  us-west2: US
  us-west3: US
  us-west4: US
  northamerica-northeast1: CA
  northamerica-northeast2: CA
  northamerica-south1: MX
  southamerica-east1: BR
  southamerica-west1: CL
  europe-west1: BE
  europe-west2: GB
  europe-west3: DE
  europe-west4: NL
  europe-west6: CH
  europe-west8: IT
  europe-west9: FR
  europe-west10: DE
  europe-west12: IT
  europe-central2: PL
  europe-north1: FI
  europe-north2: SE
  europe-southwest1: ES
  asia-east1: TW
  asia-east2: HK
  asia-northeast1: JP
  asia-northeast2: JP
  asia-northeast3: KR
  asia-south1: IN
  asia-south2: IN
  asia-southeast1: SG
  asia-southeast2: ID
  australia-southeast1: AU
  australia-southeast2: AU
  me-west1: IL
  me-central1: QA
  me-central2: SA
  africa-south1: ZA
  # Azure
  eastus: US
  eastus2: US
  centralus: US
  northcentralus: US
  southcentralus: US
  westcentralus: US
  westus: US
  westus2: US
  westus3: US
  canadacentral: CA
  canadaeast: CA
  brazilsouth: BR
  brazilsoutheast: BR
  mexicocentral: MX
  chilecentral: CL
  northeurope: IE
  westeurope: NL
  uksouth: GB
  ukwest: GB
  francecentral: FR
  francesouth: FR
  germanywestcentral: DE
  germanynorth: DE
  switzerlandnorth: CH
  switzerlandwest: CH
  norwayeast: NO
  norwaywest: NO
  swedencentral: SE
  swedensouth: SE
  polandcentral: PL
  italynorth: IT
  spaincentral: ES
  eastasia: HK
  southeastasia: SG
  japaneast: JP
  japanwest: JP
  koreacentral: KR
  koreasouth: KR
  centralindia: IN
  southindia: IN
  westindia: IN
  australiaeast: AU
  australiasoutheast: AU
  australiacentral: AU
  australiacentral2: AU
  newzealandnorth: NZ
  indonesiacentral: ID
  malaysiawest: MY
  uaenorth: AE
  uaecentral: AE
  qatarcentral: QA
  israelcentral: IL
  southafricanorth: ZA
  southafricawest: ZA
  # OCI
  us-ashburn-1: US
  us-phoenix-1: US
  us-chicago-1: US
  us-sanjose-1: US
  ca-toronto-1: CA
  ca-montreal-1: CA
  sa-saopaulo-1: BR
  sa-vinhedo-1: BR
  sa-santiago-1: CL
  sa-valparaiso-1: CL
  sa-bogota-1: CO
  mx-queretaro-1: MX
  mx-monterrey-1: MX
  uk-london-1: GB
  uk-cardiff-1: GB
  eu-frankfurt-1: DE
  eu-amsterdam-1: NL
  eu-zurich-1: CH
  eu-madrid-1: ES
  eu-marseille-1: FR
  eu-paris-1: FR
  eu-milan-1: IT
  eu-stockholm-1: SE
  eu-jovanovac-1: RS
  ap-tokyo-1: JP
  ap-osaka-1: JP
  ap-seoul-1: KR
  ap-chuncheon-1: KR
  ap-mumbai-1: IN
  ap-hyderabad-1: IN
  ap-sydney-1: AU
  ap-melbourne-1: AU
  ap-singapore-1: SG
  ap-singapore-2: SG
  me-dubai-1: AE
  me-abudhabi-1: AE
  me-jeddah-1: SA
  me-riyadh-1: SA
  il-jerusalem-1: IL
  af-johannesburg-1: ZA
# Codes a provider uses that are not (or mean something else than) the public cloud codes above.
providers:
  lambda:
    us-east-1: US
    us-east-2: US
    us-east-3: US
    us-west-1: US
    us-west-2: US
    us-west-3: US
    us-south-1: US
    us-south-2: US
    us-south-3: US
    us-midwest-1: US
    europe-central-1: DE
    europe-south-1: IT
    asia-northeast-1: JP
    asia-northeast-2: KR
    asia-south-1: IN
    australia-east-1: AU
    me-west-1: IL
  nebius:
    eu-north1: FI
    eu-west1: FR
    us-central1: US
    me-west1: IL
  cudo:
    au-melbourne-1: AU
    ca-montreal-3: CA
    no-kristiansand-1: NO
    se-stockholm-1: SE
    us-carlsbad-1: US
    us-newyork-1: US
    za-centurion-1: ZA
  fluidstack:
    arizona_usa: US
    north_dakota_usa: US
    utah_usa: US
    canada: CA
    finland: FI
  paperspace:
    east coast (ny2): US
    west coast (ca1): US
    europe (ams1): NL
  mithril:
    us-central1: US
    us-central2: US
    us-central3: US
  seeweb:
    it-fr2: IT
    it-mi2: IT
    ch-lug1: CH
    bg-sof1: BG
  scaleway:
    fr-par: FR
    nl-ams: NL
    pl-waw: PL

"""#,
        "normalization.yaml": #"""
# Normalization parameters (METHODOLOGY.md §3.7). A quote whose price, converted to USD per GPU-hour
# (§3.4, §3.5), falls outside this range is kept and reported unpriced with the reason; it is never
# fixed. The range is wide on purpose: it catches unit and basis mistakes (a monthly price written as
# hourly, an instance price written per GPU) and garbage, not cheap or dear offers.
methodology_version: "1.1"
sections: ["3.7"]
plausible_usd_per_gpu_hour:
  min: 0.001
  max: 1000

"""#,
        "publication.yaml": #"""
# Publication policy (METHODOLOGY.md §9): restatements and the daily job's files.
# A value once published is never overwritten. A change found within restatement_window_business_days
# business days (calendar.yaml) of the value's first publication is published as a new vintage; a
# later one is recorded in the restatements table but published only by `cix run --restate --reason`.
methodology_version: "1.1"
sections: ["9.1", "9.2", "9.3", "9.4", "9.5"]
restatement_window_business_days: 1
# The exports `cix run` writes for its day under published/DATE/ (cix export KIND --from DATE --to DATE).
daily_files: [fixings, indices, weights, curves, futures-indices, funds, final-settlements, basis, restatements]

"""#,
        "sources.yaml": #"""
# Sources that resell other sources' offers (METHODOLOGY.md §5.1, methodology 1.2). An offer that a
# reseller lists on behalf of an upstream source counts once: the upstream's own listing stands for it,
# and the reseller's copy (known by its offer id prefix) enters the inputs hash but not the fixing.
# The prefixes are those of the marketplace catalogs: primeintellect's instance types name the cloud
# they come from (`lambdalabs__…`, `cudocompute__…`, `scaleway__…`).
methodology_version: "1.2"
sections: ["5.1"]
resellers:
  - source: primeintellect
    resells:
      - upstream: lambda
        offer_id_prefix: "lambdalabs__"
      - upstream: cudo
        offer_id_prefix: "cudocompute__"
      - upstream: scaleway
        offer_id_prefix: "scaleway__"

"""#,
        "flows/cxh-front.csv": #"""
date,shares
2025-02-03,50000
2025-04-15,-20000
2025-09-02,100000
2026-03-16,-60000
2026-08-03,25000

"""#,
        "flows/cxh-ladder.csv": #"""
date,shares
2025-03-03,30000
2025-11-03,-15000
2026-05-01,40000

"""#,
    ]
}
