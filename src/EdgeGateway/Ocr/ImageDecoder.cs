using EdgeGateway.Inference;
using SkiaSharp;

namespace EdgeGateway.Ocr;

/// <summary>Decodes PNG, JPEG, WebP, GIF or BMP into RGBA pixels, upright per its EXIF orientation.</summary>
public static class ImageDecoder
{
    public static SKBitmap Decode(byte[] content, long maxPixels)
    {
        using var data = SKData.CreateCopy(content);
        using var codec = SKCodec.Create(data)
            ?? throw new InferenceRequestException("The file is not an image this gateway can read (PNG, JPEG, WebP, GIF or BMP).");
        var info = codec.Info;
        // Checked before decoding: a small compressed file can expand into gigabytes of pixels.
        if ((long)info.Width * info.Height > maxPixels)
        {
            throw InferenceRequestException.TooLarge($"The image is {info.Width}×{info.Height} pixels; this gateway takes at most {maxPixels:N0} pixels.");
        }

        var decoded = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var result = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            decoded.Dispose();
            throw new InferenceRequestException($"The image cannot be decoded ({result}).");
        }

        return Orient(decoded, codec.EncodedOrigin);
    }

    private static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return bitmap;
        }

        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var width = swap ? bitmap.Height : bitmap.Width;
        var height = swap ? bitmap.Width : bitmap.Height;
        var upright = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(upright))
        {
            canvas.SetMatrix(OriginMatrix(origin, bitmap.Width, bitmap.Height));
            canvas.DrawBitmap(bitmap, 0, 0);
        }

        bitmap.Dispose();
        return upright;
    }

    // Maps the stored pixels onto the upright picture for each EXIF orientation.
    private static SKMatrix OriginMatrix(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
        SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
        SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
        SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
        SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
        _ => SKMatrix.Identity,
    };
}
