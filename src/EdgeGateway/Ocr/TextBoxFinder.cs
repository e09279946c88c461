namespace EdgeGateway.Ocr;

/// <summary>A point in image coordinates.</summary>
public readonly record struct PointF(float X, float Y);

/// <summary>A text box: four corners clockwise from the top-left, and the detector's confidence.</summary>
public sealed record TextBox(PointF[] Corners, float Score)
{
    public float Top => Corners.Min(c => c.Y);

    public float Bottom => Corners.Max(c => c.Y);

    public float Left => Corners.Min(c => c.X);

    public float Right => Corners.Max(c => c.X);
}

/// <summary>Settings of the differentiable-binarization (DB) post-processing, from the manifest.</summary>
public sealed class DetectionSettings
{
    /// <summary>Probability above which a pixel counts as text. PaddleOCR's default: 0.3.</summary>
    public float BinaryThreshold { get; init; } = 0.3f;

    /// <summary>Mean probability a box needs to be kept. PaddleOCR's default: 0.6.</summary>
    public float BoxThreshold { get; init; } = 0.6f;

    /// <summary>How far a box grows back out: area × ratio / perimeter. Default: 2.0, as PaddleOCR 3's
    /// OCR pipeline sets for PP-OCRv4 (2.x used 1.5, which crops so close that word gaps are lost).</summary>
    public float UnclipRatio { get; init; } = 2.0f;

    /// <summary>Shortest side, in map pixels, a box needs. PaddleOCR's default: 3.</summary>
    public float MinSize { get; init; } = 3;

    public int MaxCandidates { get; init; } = 1000;
}

/// <summary>
/// Turns the detector's probability map into text boxes the way DB post-processing does: threshold
/// the map, take each connected region, fit the smallest rotated rectangle around it, score it by
/// the mean probability inside, and grow it back out (the network predicts shrunk text kernels).
/// </summary>
public static class TextBoxFinder
{
    public static List<TextBox> Find(ReadOnlySpan<float> map, int width, int height, DetectionSettings settings, float scaleX, float scaleY, int imageWidth, int imageHeight)
    {
        var text = new bool[width * height];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = map[i] > settings.BinaryThreshold;
        }

        var boxes = new List<TextBox>();
        var seen = new bool[text.Length];
        var stack = new Stack<int>();
        var region = new List<PointF>();
        var candidates = 0;
        for (var start = 0; start < text.Length && candidates < settings.MaxCandidates; start++)
        {
            if (!text[start] || seen[start])
            {
                continue;
            }

            candidates++;
            region.Clear();
            seen[start] = true;
            stack.Push(start);
            while (stack.Count > 0)
            {
                var index = stack.Pop();
                int x = index % width, y = index / width;
                region.Add(new PointF(x, y));
                for (var dy = -1; dy <= 1; dy++)
                {
                    for (var dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if ((dx | dy) != 0 && nx >= 0 && ny >= 0 && nx < width && ny < height)
                        {
                            var next = ny * width + nx;
                            if (text[next] && !seen[next])
                            {
                                seen[next] = true;
                                stack.Push(next);
                            }
                        }
                    }
                }
            }

            var rect = RotatedRect.Smallest(ConvexHull(region));
            if (Math.Min(rect.Width, rect.Height) < settings.MinSize)
            {
                continue;
            }

            var score = MeanInside(map, width, height, rect);
            if (score < settings.BoxThreshold)
            {
                continue;
            }

            var grow = rect.Width * rect.Height * settings.UnclipRatio / (2 * (rect.Width + rect.Height));
            var grown = rect with { Width = rect.Width + 2 * grow, Height = rect.Height + 2 * grow };
            if (Math.Min(grown.Width, grown.Height) < settings.MinSize + 2)
            {
                continue;
            }

            var corners = Order(grown.Corners()).Select(c => new PointF(
                Math.Clamp(MathF.Round(c.X * scaleX), 0, imageWidth),
                Math.Clamp(MathF.Round(c.Y * scaleY), 0, imageHeight))).ToArray();
            boxes.Add(new TextBox(corners, score));
        }

        return boxes;
    }

    /// <summary>Reading order: top to bottom, and left to right within a line.</summary>
    public static List<TextBox> ReadingOrder(IEnumerable<TextBox> boxes)
    {
        var sorted = boxes.OrderBy(b => b.Corners[0].Y).ThenBy(b => b.Corners[0].X).ToList();
        // Boxes whose tops differ by less than a few pixels are on one line: order those by x.
        for (var i = 0; i < sorted.Count - 1; i++)
        {
            for (var j = i; j >= 0 && Math.Abs(sorted[j + 1].Corners[0].Y - sorted[j].Corners[0].Y) < 10 && sorted[j + 1].Corners[0].X < sorted[j].Corners[0].X; j--)
            {
                (sorted[j], sorted[j + 1]) = (sorted[j + 1], sorted[j]);
            }
        }

        return sorted;
    }

    private static float MeanInside(ReadOnlySpan<float> map, int width, int height, RotatedRect rect)
    {
        var corners = rect.Corners();
        int x0 = Math.Max(0, (int)MathF.Floor(corners.Min(c => c.X))), x1 = Math.Min(width - 1, (int)MathF.Ceiling(corners.Max(c => c.X)));
        int y0 = Math.Max(0, (int)MathF.Floor(corners.Min(c => c.Y))), y1 = Math.Min(height - 1, (int)MathF.Ceiling(corners.Max(c => c.Y)));
        double sum = 0;
        var count = 0;
        var (ux, uy) = (MathF.Cos(rect.Angle), MathF.Sin(rect.Angle));
        for (var y = y0; y <= y1; y++)
        {
            for (var x = x0; x <= x1; x++)
            {
                float dx = x - rect.CenterX, dy = y - rect.CenterY;
                var along = dx * ux + dy * uy;
                var across = -dx * uy + dy * ux;
                if (MathF.Abs(along) <= rect.Width / 2 + 0.5f && MathF.Abs(across) <= rect.Height / 2 + 0.5f)
                {
                    sum += map[y * width + x];
                    count++;
                }
            }
        }

        return count == 0 ? 0 : (float)(sum / count);
    }

    /// <summary>Top-left, top-right, bottom-right, bottom-left: the two leftmost corners give the left
    /// side (upper one first), the two rightmost the right side.</summary>
    private static PointF[] Order(PointF[] corners)
    {
        var byX = corners.OrderBy(c => c.X).ToArray();
        var (topLeft, bottomLeft) = byX[0].Y <= byX[1].Y ? (byX[0], byX[1]) : (byX[1], byX[0]);
        var (topRight, bottomRight) = byX[2].Y <= byX[3].Y ? (byX[2], byX[3]) : (byX[3], byX[2]);
        return [topLeft, topRight, bottomRight, bottomLeft];
    }

    /// <summary>Andrew's monotone chain; returns the hull counter-clockwise without repeating the first point.</summary>
    internal static List<PointF> ConvexHull(List<PointF> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3)
        {
            return sorted;
        }

        var hull = new List<PointF>(sorted.Count + 1);
        foreach (var pass in new[] { sorted, Enumerable.Reverse(sorted).ToList() })
        {
            var floor = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= floor + 2 && Cross(hull[^2], hull[^1], p) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }

                hull.Add(p);
            }

            hull.RemoveAt(hull.Count - 1);
        }

        return hull;
    }

    private static float Cross(PointF o, PointF a, PointF b) => (a.X - o.X) * (b.Y - o.Y) - (a.Y - o.Y) * (b.X - o.X);
}

/// <summary>A rectangle of any rotation: centre, size along its own axes, and the angle of its width axis.</summary>
public readonly record struct RotatedRect(float CenterX, float CenterY, float Width, float Height, float Angle)
{
    /// <summary>The smallest-area rectangle around a convex hull: one of its sides lies along a hull edge
    /// (rotating calipers), so trying each edge direction finds it.</summary>
    public static RotatedRect Smallest(List<PointF> hull)
    {
        if (hull.Count == 0)
        {
            return default;
        }

        if (hull.Count == 1)
        {
            return new RotatedRect(hull[0].X, hull[0].Y, 0, 0, 0);
        }

        var best = new RotatedRect(0, 0, float.MaxValue, float.MaxValue, 0);
        var bestArea = float.MaxValue;
        for (var i = 0; i < hull.Count; i++)
        {
            var a = hull[i];
            var b = hull[(i + 1) % hull.Count];
            var angle = MathF.Atan2(b.Y - a.Y, b.X - a.X);
            var (ux, uy) = (MathF.Cos(angle), MathF.Sin(angle));
            float minU = float.MaxValue, maxU = float.MinValue, minV = float.MaxValue, maxV = float.MinValue;
            foreach (var p in hull)
            {
                var u = p.X * ux + p.Y * uy;
                var v = -p.X * uy + p.Y * ux;
                minU = MathF.Min(minU, u);
                maxU = MathF.Max(maxU, u);
                minV = MathF.Min(minV, v);
                maxV = MathF.Max(maxV, v);
            }

            var area = (maxU - minU) * (maxV - minV);
            if (area < bestArea)
            {
                bestArea = area;
                var cu = (minU + maxU) / 2;
                var cv = (minV + maxV) / 2;
                best = new RotatedRect(cu * ux - cv * uy, cu * uy + cv * ux, maxU - minU, maxV - minV, angle);
            }
        }

        return best;
    }

    public PointF[] Corners()
    {
        var (ux, uy) = (MathF.Cos(Angle), MathF.Sin(Angle));
        var (hw, hh) = (Width / 2, Height / 2);
        return
        [
            new(CenterX - hw * ux + hh * uy, CenterY - hw * uy - hh * ux),
            new(CenterX + hw * ux + hh * uy, CenterY + hw * uy - hh * ux),
            new(CenterX + hw * ux - hh * uy, CenterY + hw * uy + hh * ux),
            new(CenterX - hw * ux - hh * uy, CenterY - hw * uy + hh * ux),
        ];
    }
}
