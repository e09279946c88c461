namespace BotHost.Teams;

/// <summary>
/// The app's icons, drawn here so the package carries no borrowed artwork: a white speech bubble with
/// three amber dots on Northbeam blue (192 × 192, colour), and the same bubble as a white outline on
/// transparency (32 × 32, as Teams requires for the outline icon).
/// </summary>
public static class TeamsAppIcons
{
    private static readonly (byte R, byte G, byte B) Blue = (0x1F, 0x3B, 0x73);
    private static readonly (byte R, byte G, byte B) Amber = (0xF2, 0xA9, 0x00);
    private const int Samples = 4;

    public static byte[] Colour(int size = 192) => PngImage.Encode(size, size, Render(size, (x, y) =>
    {
        // Coordinates are in a 0..1 square.
        var background = RoundedRect(x, y, 0.5, 0.5, 0.5, 0.5, 0.18);
        if (background > 0)
        {
            return null;
        }

        if (Dot(x, y) <= 0)
        {
            return (Amber.R, Amber.G, Amber.B, (byte)255);
        }

        return Bubble(x, y) <= 0 ? ((byte)255, (byte)255, (byte)255, (byte)255) : (Blue.R, Blue.G, Blue.B, (byte)255);
    }));

    public static byte[] Outline(int size = 32) => PngImage.Encode(size, size, Render(size, (x, y) =>
    {
        var bubble = Bubble(x, y);
        var stroke = 0.07;
        return (bubble <= 0 && bubble > -stroke) || Dot(x, y) <= 0 ? ((byte)255, (byte)255, (byte)255, (byte)255) : null;
    }));

    // The bubble: a rounded rectangle with a tail at its lower left. Negative inside.
    private static double Bubble(double x, double y)
    {
        var body = RoundedRect(x, y, 0.5, 0.45, 0.34, 0.25, 0.1);
        var tail = Triangle(x, y, (0.26, 0.62), (0.42, 0.62), (0.22, 0.84));
        return Math.Min(body, tail);
    }

    private static double Dot(double x, double y)
    {
        var best = double.MaxValue;
        foreach (var cx in new[] { 0.36, 0.5, 0.64 })
        {
            best = Math.Min(best, Math.Sqrt(((x - cx) * (x - cx)) + ((y - 0.45) * (y - 0.45))) - 0.05);
        }

        return best;
    }

    private static double RoundedRect(double x, double y, double cx, double cy, double halfWidth, double halfHeight, double radius)
    {
        var qx = Math.Abs(x - cx) - halfWidth + radius;
        var qy = Math.Abs(y - cy) - halfHeight + radius;
        var outside = Math.Sqrt((Math.Max(qx, 0) * Math.Max(qx, 0)) + (Math.Max(qy, 0) * Math.Max(qy, 0)));
        return outside + Math.Min(Math.Max(qx, qy), 0) - radius;
    }

    // Sign only (inside ≤ 0): enough for a filled shape.
    private static double Triangle(double x, double y, (double X, double Y) a, (double X, double Y) b, (double X, double Y) c)
    {
        static double Side(double px, double py, (double X, double Y) p, (double X, double Y) q) => ((px - q.X) * (p.Y - q.Y)) - ((p.X - q.X) * (py - q.Y));
        var d1 = Side(x, y, a, b);
        var d2 = Side(x, y, b, c);
        var d3 = Side(x, y, c, a);
        var hasNegative = d1 < 0 || d2 < 0 || d3 < 0;
        var hasPositive = d1 > 0 || d2 > 0 || d3 > 0;
        return hasNegative && hasPositive ? 1 : -1;
    }

    /// <summary>Supersamples each pixel so edges are smooth; null from the shader is transparent.</summary>
    private static byte[] Render(int size, Func<double, double, (byte R, byte G, byte B, byte A)?> shader)
    {
        var rgba = new byte[size * size * 4];
        for (var py = 0; py < size; py++)
        {
            for (var px = 0; px < size; px++)
            {
                double r = 0, g = 0, b = 0, a = 0;
                for (var sy = 0; sy < Samples; sy++)
                {
                    for (var sx = 0; sx < Samples; sx++)
                    {
                        var colour = shader((px + ((sx + 0.5) / Samples)) / size, (py + ((sy + 0.5) / Samples)) / size);
                        if (colour is { } c)
                        {
                            var alpha = c.A / 255.0;
                            r += c.R * alpha;
                            g += c.G * alpha;
                            b += c.B * alpha;
                            a += alpha;
                        }
                    }
                }

                var i = ((py * size) + px) * 4;
                var total = Samples * Samples;
                if (a > 0)
                {
                    rgba[i] = (byte)Math.Round(r / a);
                    rgba[i + 1] = (byte)Math.Round(g / a);
                    rgba[i + 2] = (byte)Math.Round(b / a);
                }

                rgba[i + 3] = (byte)Math.Round(255 * a / total);
            }
        }

        return rgba;
    }
}
