using SkiaSharp;

namespace EdgeGateway.Tests.Infrastructure;

/// <summary>Renders label images the way a camera over a factory line might see a printed label.</summary>
public static class LabelImages
{
    private static readonly string[] FontFiles =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ];

    /// <summary>A PNG of the lines in black on a white label, on a grey background; skips the test when no font is installed.</summary>
    public static byte[] Render(string[] lines, float fontSize = 44, float rotateDegrees = 0)
    {
        var fontFile = FontFiles.FirstOrDefault(File.Exists);
        if (fontFile is null)
        {
            Assert.Skip("No DejaVu font is installed (Debian package fonts-dejavu-core), so the test cannot render a label.");
        }

        using var typeface = SKTypeface.FromFile(fontFile);
        using var font = new SKFont(typeface, fontSize);
        var width = (int)lines.Max(l => font.MeasureText(l)) + 120;
        var lineHeight = (int)(fontSize * 1.6f);
        var height = lineHeight * lines.Length + 100;
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(0x8a, 0x8f, 0x94));
            canvas.RotateDegrees(rotateDegrees, width / 2f, height / 2f);
            using var label = new SKPaint { Color = SKColors.White, IsAntialias = true };
            canvas.DrawRoundRect(new SKRect(30, 30, width - 30, height - 30), 12, 12, label);
            using var ink = new SKPaint { Color = new SKColor(0x10, 0x10, 0x10), IsAntialias = true };
            for (var i = 0; i < lines.Length; i++)
            {
                canvas.DrawText(lines[i], 60, 50 + fontSize + i * lineHeight, SKTextAlign.Left, font, ink);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
