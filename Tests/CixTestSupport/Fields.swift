/// Valid canonical row values in QuoteColumn order, for validation tests to alter one at a time.
public func validFields() -> [String] {
    ["2026-11-24T15:00:00Z", "lambda", "gpu_8x_h100", "H100 SXM5 80GB", "8", "us-east-1", "on_demand",
     "2.99", "USD", "hour", "gpu", "64", "infiniband"]
}
