import CCairo
import Foundation

/// The file formats a plot is written in; both come from the same drawing calls.
public enum PlotFormat: String, CaseIterable, Sendable {
    case png, svg
}

public struct PlotError: Error, CustomStringConvertible {
    public let description: String
}

/// A drawing surface of cairo (the 2-D graphics library behind GTK and Firefox's canvas):
/// the same calls render into a PNG image or an SVG document, with text set in a real font
/// (fontconfig's "monospace"). Units are pixels in PNG and points in SVG, y pointing down.
/// `finish()` returns the encoded file, which the caller writes (atomically) where it likes.
final class CairoCanvas {
    let width: Int, height: Int, format: PlotFormat
    private let surface: OpaquePointer
    private let context: OpaquePointer
    private let sink = ByteSink()

    /// Bytes cairo's stream writers deliver.
    private final class ByteSink { var data = Data() }

    private static let collect: cairo_write_func_t = { closure, bytes, length in
        guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
        Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
        return CAIRO_STATUS_SUCCESS
    }

    init(width: Int, height: Int, format: PlotFormat) {
        self.width = width; self.height = height; self.format = format
        switch format {
        case .png:
            surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        case .svg:
            surface = cairo_svg_surface_create_for_stream(Self.collect, Unmanaged.passUnretained(sink).toOpaque(),
                                                          Double(width), Double(height))
        }
        context = cairo_create(surface)
        cairo_select_font_face(context, "monospace", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        fillRectangle(x: 0, y: 0, width: Double(width), height: Double(height), color: .white)
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    struct Color {
        var red: Double, green: Double, blue: Double
        static let white = Color(red: 1, green: 1, blue: 1), black = Color(red: 0, green: 0, blue: 0)
        static let gray = Color(red: 0.6, green: 0.6, blue: 0.6)
        /// The attention plot's ink (ColorBrewer's darkest blue, #08306b) and the curves' colours.
        static let ink = Color(red: 8 / 255, green: 48 / 255, blue: 107 / 255)
        static let blue = Color(red: 0.12, green: 0.47, blue: 0.71), orange = Color(red: 1, green: 0.5, blue: 0.05)
        static let green = Color(red: 0.17, green: 0.63, blue: 0.17), red = Color(red: 0.84, green: 0.15, blue: 0.16)
    }

    enum Anchor { case start, middle, end }

    func fillRectangle(x: Double, y: Double, width: Double, height: Double, color: Color, alpha: Double = 1) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, alpha)
        cairo_rectangle(context, x, y, width, height)
        cairo_fill(context)
    }

    /// Text with its baseline at y, starting, centred or ending at x.
    func text(_ string: String, x: Double, y: Double, size: Double, anchor: Anchor = .start, color: Color = .black) {
        cairo_set_font_size(context, size)
        cairo_set_source_rgb(context, color.red, color.green, color.blue)
        var extents = cairo_text_extents_t()
        cairo_text_extents(context, string, &extents)
        let dx: Double
        switch anchor {
        case .start: dx = 0
        case .middle: dx = -extents.x_advance / 2
        case .end: dx = -extents.x_advance
        }
        cairo_move_to(context, x + dx, y)
        cairo_show_text(context, string)
    }

    /// A polyline through `points`; `dashed` for a second series on the same axes.
    func line(_ points: [(x: Double, y: Double)], color: Color, width: Double = 1.5, dashed: Bool = false) {
        guard let first = points.first else { return }
        cairo_set_source_rgb(context, color.red, color.green, color.blue)
        cairo_set_line_width(context, width)
        var dashes: [Double] = dashed ? [5, 3] : []
        cairo_set_dash(context, &dashes, Int32(dashes.count), 0)
        cairo_move_to(context, first.x, first.y)
        for p in points.dropFirst() { cairo_line_to(context, p.x, p.y) }
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    /// A marker (filled square) at a point, so a single epoch still shows.
    func marker(x: Double, y: Double, color: Color, size: Double = 4) {
        fillRectangle(x: x - size / 2, y: y - size / 2, width: size, height: size, color: color)
    }

    /// Ends the drawing and returns the encoded PNG or SVG file.
    func finish() throws -> Data {
        switch format {
        case .png:
            cairo_surface_flush(surface)
            let status = cairo_surface_write_to_png_stream(surface, Self.collect, Unmanaged.passUnretained(sink).toOpaque())
            try Self.check(status)
        case .svg:
            cairo_surface_finish(surface)
        }
        try Self.check(cairo_surface_status(surface))
        return sink.data
    }

    private static func check(_ status: cairo_status_t) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError(description: "cairo: " + String(cString: cairo_status_to_string(status)))
        }
    }
}
