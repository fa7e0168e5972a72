import CKernels
import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Which of OpenBLAS's CPU-specific kernels the process runs.
///
/// A `DYNAMIC_ARCH` OpenBLAS (Debian's) picks its kernels once, when the library loads, from the
/// CPU models it knew when it was built. A CPU newer than the library falls back to the oldest
/// family: Debian 12's OpenBLAS 0.3.21 runs the SSE3 "Prescott" kernels on an Emerald Rapids Xeon
/// (family 6, model 207), about a tenth of the AVX-512 kernels' speed on the train step's
/// products (`tools/bench_sgemm.sh`). The choice is made before any Swift code runs, so the only
/// way to change it is the documented `OPENBLAS_CORETYPE` variable on a fresh process image:
/// `reexecutingIfDetectionFellShort` sets it and re-executes the binary.
public enum BLASKernels {
    /// The kernel family OpenBLAS chose, as it names it ("Prescott", "Haswell", "SkylakeX", ...).
    public static var current: String { String(cString: openblas_get_corename()) }

    /// The family with the widest vectors this CPU runs, as an `OPENBLAS_CORETYPE` value, or nil.
    public static var bestForCPU: String? { las_blas_core_for_cpu().map { String(cString: $0) } }

    /// 3 for the AVX-512 families, 2 for AVX2, 1 for anything older; compares the vector width
    /// of OpenBLAS's choice with the CPU's without knowing every family name.
    public static func vectorRank(_ family: String) -> Int {
        switch family.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": return 3
        case "haswell", "zen", "excavator": return 2
        default: return 1
        }
    }

    /// True when OpenBLAS runs narrower kernels than this CPU has and the user did not choose them.
    public static var detectionFellShort: Bool {
        guard getenv("OPENBLAS_CORETYPE") == nil, let best = bestForCPU else { return false }
        return vectorRank(best) > vectorRank(current)
    }

    /// Re-executes this binary (same arguments) with `OPENBLAS_CORETYPE` set to `bestForCPU` when
    /// `detectionFellShort`; otherwise, or if the binary cannot be re-executed, returns. A user's
    /// own `OPENBLAS_CORETYPE` is always kept, and it also stops any second re-execution.
    public static func reexecutingIfDetectionFellShort() {
        guard detectionFellShort, let best = bestForCPU else { return }
        setenv("OPENBLAS_CORETYPE", best, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        unsetenv("OPENBLAS_CORETYPE")
    }
}
