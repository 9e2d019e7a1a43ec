import CixCore

/// Hand-made observations and the engine on them (the fixing tests' shorthand).
public func obs(_ id: Int64, _ source: String, _ price: Double, offer: String? = nil, at epoch: Int64 = 1000, available: Int? = nil) -> GradeObservation {
    GradeObservation(quoteID: id, source: source, offer: offer ?? "o\(id)", epoch: epoch, price: price, availableGPUs: available)
}

public let params = FixingParameters()

public func fix(_ o: [GradeObservation], end: Int64 = 86_400) -> Result<WindowResult, InsufficientData> {
    FixingEngine.compute(o, windowEnd: end, params: params, seedKey: 1)
}
