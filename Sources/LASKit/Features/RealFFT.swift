import CFFTW
import Foundation

/// FFTW's planner keeps global state and is not thread-safe (FFTW manual, "Thread safety"):
/// every plan creation and destruction in the process goes through this lock. Executing an
/// existing plan is thread-safe.
let fftwPlannerLock = NSLock()

/// A single-precision real-to-complex FFT of fixed size with its own SIMD-aligned buffers:
/// fill `input` (size floats), call `execute()`, read `output` (size/2 + 1 complex values as
/// interleaved re, im floats). Unnormalized: X[k] = Σₙ x[n] e^(−2πikn/N), as Kaldi's.
/// One instance per thread.
final class RealFFT {
    let size: Int
    let input: UnsafeMutablePointer<Float>
    let output: UnsafeMutablePointer<Float>
    private let plan: fftwf_plan

    init(size: Int) {
        precondition(size >= 2 && size % 2 == 0, "RealFFT size \(size)")
        self.size = size
        fftwPlannerLock.lock()
        defer { fftwPlannerLock.unlock() }
        input = fftwf_alloc_real(size)
        let complex = fftwf_alloc_complex(size / 2 + 1)!
        output = UnsafeMutableRawPointer(complex).bindMemory(to: Float.self, capacity: size + 2)
        input.initialize(repeating: 0, count: size)
        output.initialize(repeating: 0, count: size + 2)
        // FFTW_ESTIMATE picks the algorithm without timing trial runs, so every process computes
        // bit-identical features (FFTW_MEASURE may choose differently from run to run).
        plan = fftwf_plan_dft_r2c_1d(Int32(size), input, complex, FFTW_ESTIMATE)!
    }

    @inline(__always)
    func execute() { fftwf_execute(plan) }

    deinit {
        fftwPlannerLock.lock()
        defer { fftwPlannerLock.unlock() }
        fftwf_destroy_plan(plan)
        fftwf_free(input)
        fftwf_free(output)
    }
}
