/// Treasury bill return for total-return indices (METHODOLOGY.md §7.6), as the S&P GSCI computes it.
public enum TBill {
    /// Price per 100 of a 91-day bill at a discount rate (a decimal: 0.0423 for 4.23%):
    /// 100 × (1 − 91/360 × rate).
    public static func price(discountRate d: Double) -> Double { 100 * (1 - 91.0 / 360 * d) }

    /// TBR over `days` calendar days: [1 ÷ (1 − 91/360 × rate)]^(days/91) − 1.
    public static func returnOver(days: Int, discountRate d: Double) -> Double {
        pow(1 / (1 - 91.0 / 360 * d), Double(days) / 91) - 1
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
