import Foundation

extension FeatureConfig.Window {
    /// The window's `length` coefficients, computed in Double and rounded to Float as Kaldi does
    /// (feature-window.cc, with a = 2π / (length − 1)):
    /// povey w[i] = (½ − ½ cos(a·i))^0.85, hanning ½ − ½ cos(a·i), hamming 0.54 − 0.46 cos(a·i).
    public func coefficients(length: Int) -> [Float] {
        let a = 2 * Double.pi / Double(length - 1)
        return (0..<length).map { i in
            let x = Double(i)
            switch self {
            case .povey: return Float(pow(0.5 - 0.5 * cos(a * x), 0.85))
            case .hanning: return Float(0.5 - 0.5 * cos(a * x))
            case .hamming: return Float(0.54 - 0.46 * cos(a * x))
            case .rectangular: return 1
            }
        }
    }
}
