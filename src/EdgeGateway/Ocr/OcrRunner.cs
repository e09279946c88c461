using System.Text;
using System.Text.Json.Nodes;
using EdgeGateway.Inference;
using EdgeGateway.Models;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace EdgeGateway.Ocr;

/// <summary>Pre-processing settings of the OCR task, from the manifest.</summary>
public sealed class OcrPreprocessing
{
    /// <summary>The detector sees the image scaled so its longer side is at most this. PaddleOCR: 960.</summary>
    public int DetectorMaxSide { get; init; } = 960;

    /// <summary>Detector input sides are rounded to a multiple of this. PaddleOCR: 32.</summary>
    public int DetectorMultiple { get; init; } = 32;

    /// <summary>Per-channel mean and standard deviation (of values scaled to 0–1), in <see cref="ChannelOrder"/>.</summary>
    public float[] DetectorMean { get; init; } = [0.485f, 0.456f, 0.406f];

    public float[] DetectorStd { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Height of a text line for the recognizer. PP-OCRv4: 48.</summary>
    public int RecognizerHeight { get; init; } = 48;

    /// <summary>The narrowest batch width, in pixels. PP-OCRv4: 320.</summary>
    public int RecognizerMinWidth { get; init; } = 320;

    public float[] RecognizerMean { get; init; } = [0.5f, 0.5f, 0.5f];

    public float[] RecognizerStd { get; init; } = [0.5f, 0.5f, 0.5f];

    /// <summary>Lines recognised in one run. PaddleOCR: 6.</summary>
    public int RecognizerBatch { get; init; } = 6;

    /// <summary>Order of the colour planes the networks were trained on: <c>bgr</c> (PaddleOCR reads images with OpenCV) or <c>rgb</c>.</summary>
    public string ChannelOrder { get; init; } = "bgr";
}

/// <summary>Post-processing settings of the OCR task, from the manifest.</summary>
public sealed class OcrPostprocessing
{
    public DetectionSettings Detection { get; init; } = new();

    /// <summary>Lines recognised with a lower mean confidence are dropped. PaddleOCR: 0.5.</summary>
    public float MinConfidence { get; init; } = 0.5f;

    /// <summary>Whether the last class (after the dictionary) is a space. PP-OCR: true.</summary>
    public bool UseSpaceChar { get; init; } = true;
}

/// <summary>
/// Label reading: PaddleOCR's detector finds the text regions, each region is cut out upright and
/// read by the recognizer, whose per-step class probabilities are decoded greedily (CTC: collapse
/// repeats, drop blanks) with the character dictionary. Boxes on one line are joined into a line.
/// </summary>
public sealed class OcrRunner : ModelTaskRunner
{
    private readonly OnnxNetwork _detector;
    private readonly OnnxNetwork _recognizer;
    private readonly string[] _characters;
    private readonly OcrPreprocessing _pre;
    private readonly OcrPostprocessing _post;
    private readonly long _maxPixels;

    private OcrRunner(OnnxNetwork detector, OnnxNetwork recognizer, string[] characters, OcrPreprocessing pre, OcrPostprocessing post, long maxPixels)
    {
        _detector = detector;
        _recognizer = recognizer;
        _characters = characters;
        _pre = pre;
        _post = post;
        _maxPixels = maxPixels;
    }

    public override string Accepts => "an image (PNG, JPEG, WebP, GIF or BMP)";

    public override bool TakesFile => true;

    public static OcrRunner Create(ModelManifest manifest, string folder, IReadOnlyList<OnnxNetwork> networks, GatewayOptions options)
    {
        var detector = networks.FirstOrDefault(n => n.Role == "detector") ?? throw new InvalidDataException("An OCR model needs a 'detector' network.");
        var recognizer = networks.FirstOrDefault(n => n.Role == "recognizer") ?? throw new InvalidDataException("An OCR model needs a 'recognizer' network.");
        if (!manifest.Files.TryGetValue("dictionary", out var dictionaryFile))
        {
            throw new InvalidDataException("An OCR model needs a 'dictionary' file (one character per line).");
        }

        var post = manifest.PostprocessingAs<OcrPostprocessing>();
        var lines = File.ReadAllText(Path.Combine(folder, dictionaryFile), Encoding.UTF8).Replace("\r", "", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        // Class 0 is the CTC blank, then the dictionary, then (PP-OCR) a space.
        string[] characters = ["", .. lines, .. post.UseSpaceChar ? new[] { " " } : []];
        var classes = recognizer.Session.OutputMetadata[recognizer.OutputNames[0]].Dimensions[^1];
        if (classes > 0 && classes != characters.Length)
        {
            throw new InvalidDataException($"The recognizer has {classes} classes but the dictionary gives {characters.Length} (blank + {lines.Length} characters{(post.UseSpaceChar ? " + space" : "")}).");
        }

        return new OcrRunner(detector, recognizer, characters, manifest.PreprocessingAs<OcrPreprocessing>(), post, options.MaxImagePixels);
    }

    public override JsonObject RunFile(InferenceFile file, CancellationToken cancellationToken)
    {
        using var image = ImageDecoder.Decode(file.Content, _maxPixels);
        var lines = Read(image, cancellationToken);
        var result = new JsonArray();
        foreach (var line in lines)
        {
            result.Add(new JsonObject
            {
                ["text"] = line.Text,
                ["confidence"] = Math.Round(line.Confidence, 4),
                ["box"] = new JsonArray(line.Box.Corners.Select(c => (JsonNode)new JsonArray(c.X, c.Y)).ToArray()),
            });
        }

        return new JsonObject
        {
            ["text"] = string.Join("\n", lines.Select(l => l.Text)),
            ["lines"] = result,
            ["imageWidth"] = image.Width,
            ["imageHeight"] = image.Height,
        };
    }

    /// <summary>The text lines in reading order.</summary>
    public List<TextLine> Read(SKBitmap image, CancellationToken cancellationToken)
    {
        var boxes = TextBoxFinder.ReadingOrder(Detect(image, cancellationToken));
        var words = new List<TextLine>();
        var order = Enumerable.Range(0, boxes.Count).ToList();
        var crops = boxes.Select(b => CropUpright(image, b)).ToList();
        try
        {
            // Batches of similar width waste the least padding, as PaddleOCR does.
            order.Sort((a, b) => (crops[a].Width / (float)crops[a].Height).CompareTo(crops[b].Width / (float)crops[b].Height));
            var texts = new (string Text, float Confidence)[boxes.Count];
            for (var start = 0; start < order.Count; start += _pre.RecognizerBatch)
            {
                var batch = order.Skip(start).Take(_pre.RecognizerBatch).ToList();
                var decoded = Recognize(batch.Select(i => crops[i]).ToList(), cancellationToken);
                for (var i = 0; i < batch.Count; i++)
                {
                    texts[batch[i]] = decoded[i];
                }
            }

            for (var i = 0; i < boxes.Count; i++)
            {
                if (texts[i].Text.Trim().Length > 0 && texts[i].Confidence >= _post.MinConfidence)
                {
                    words.Add(new TextLine(texts[i].Text.Trim(), texts[i].Confidence, boxes[i]));
                }
            }
        }
        finally
        {
            foreach (var crop in crops)
            {
                crop.Dispose();
            }
        }

        return JoinLines(words);
    }

    private List<TextBox> Detect(SKBitmap image, CancellationToken cancellationToken)
    {
        var ratio = Math.Min(1f, _pre.DetectorMaxSide / (float)Math.Max(image.Width, image.Height));
        var width = Math.Max(_pre.DetectorMultiple, (int)MathF.Round(image.Width * ratio / _pre.DetectorMultiple) * _pre.DetectorMultiple);
        var height = Math.Max(_pre.DetectorMultiple, (int)MathF.Round(image.Height * ratio / _pre.DetectorMultiple) * _pre.DetectorMultiple);
        using var resized = Resize(image, width, height);
        var input = new float[3 * width * height];
        Fill(resized, input, 0, width, _pre.DetectorMean, _pre.DetectorStd);
        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [1, 3, height, width]);
        using var outputs = _detector.Run(new Dictionary<string, OrtValue> { [_detector.InputNames[0]] = tensor }, cancellationToken);
        var map = outputs[0].GetTensorDataAsSpan<float>();
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        int mapHeight = (int)shape[2], mapWidth = (int)shape[3];
        return TextBoxFinder.Find(map, mapWidth, mapHeight, _post.Detection,
            image.Width / (float)mapWidth, image.Height / (float)mapHeight, image.Width, image.Height);
    }

    private List<(string Text, float Confidence)> Recognize(List<SKBitmap> crops, CancellationToken cancellationToken)
    {
        var height = _pre.RecognizerHeight;
        var widths = crops.Select(c => Math.Max(1, (int)MathF.Ceiling(height * c.Width / (float)c.Height))).ToList();
        var batchWidth = Math.Max(_pre.RecognizerMinWidth, widths.Max());
        var plane = height * batchWidth;
        // Zeros to the right of a narrower line are the normalised padding PaddleOCR uses.
        var input = new float[crops.Count * 3 * plane];
        for (var i = 0; i < crops.Count; i++)
        {
            using var line = Resize(crops[i], widths[i], height);
            Fill(line, input, i * 3 * plane, batchWidth, _pre.RecognizerMean, _pre.RecognizerStd);
        }

        using var tensor = OrtValue.CreateTensorValueFromMemory(input, [crops.Count, 3, height, batchWidth]);
        using var outputs = _recognizer.Run(new Dictionary<string, OrtValue> { [_recognizer.InputNames[0]] = tensor }, cancellationToken);
        var probabilities = outputs[0].GetTensorDataAsSpan<float>();
        var shape = outputs[0].GetTensorTypeAndShape().Shape;
        int steps = (int)shape[1], classes = (int)shape[2];
        var results = new List<(string, float)>(crops.Count);
        for (var i = 0; i < crops.Count; i++)
        {
            results.Add(CtcDecoder.Greedy(probabilities.Slice(i * steps * classes, steps * classes), steps, classes, _characters));
        }

        return results;
    }

    /// <summary>Cuts a box out of the image as an upright rectangle; tall narrow boxes are turned a
    /// quarter, as vertical text is read sideways.</summary>
    private static SKBitmap CropUpright(SKBitmap image, TextBox box)
    {
        var c = box.Corners;
        var width = Math.Max(1, (int)MathF.Round(MathF.Max(Distance(c[0], c[1]), Distance(c[3], c[2]))));
        var height = Math.Max(1, (int)MathF.Round(MathF.Max(Distance(c[0], c[3]), Distance(c[1], c[2]))));
        // The map from crop pixels to image pixels sends the crop's corners onto the box's; its inverse draws the image into the crop.
        var toImage = new SKMatrix(
            (c[1].X - c[0].X) / width, (c[3].X - c[0].X) / height, c[0].X,
            (c[1].Y - c[0].Y) / width, (c[3].Y - c[0].Y) / height, c[0].Y,
            0, 0, 1);
        var crop = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(crop))
        using (var source = SKImage.FromBitmap(image))
        {
            canvas.Clear(SKColors.White);
            if (toImage.TryInvert(out var toCrop))
            {
                canvas.SetMatrix(toCrop);
                canvas.DrawImage(source, 0, 0, new SKSamplingOptions(SKCubicResampler.CatmullRom));
            }
        }

        if (height >= width * 1.5f)
        {
            var turned = new SKBitmap(new SKImageInfo(height, width, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            using (var canvas = new SKCanvas(turned))
            {
                canvas.SetMatrix(new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1));
                canvas.DrawBitmap(crop, 0, 0);
            }

            crop.Dispose();
            return turned;
        }

        return crop;
    }

    private static SKBitmap Resize(SKBitmap image, int width, int height)
    {
        var resized = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        image.ScalePixels(resized, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        return resized;
    }

    /// <summary>Writes an image's pixels as three normalised planes into <paramref name="target"/> at
    /// <paramref name="offset"/>, rows <paramref name="stride"/> wide (wider rows keep zero padding).</summary>
    private void Fill(SKBitmap image, float[] target, int offset, int stride, float[] mean, float[] std)
    {
        var pixels = image.GetPixelSpan();
        var plane = stride * image.Height;
        var bgr = _pre.ChannelOrder.Equals("bgr", StringComparison.OrdinalIgnoreCase);
        var scale = new float[3];
        var shift = new float[3];
        for (var p = 0; p < 3; p++)
        {
            scale[p] = 1f / (255f * std[p]);
            shift[p] = mean[p] / std[p];
        }

        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var source = (y * image.Width + x) * 4;
                var at = offset + y * stride + x;
                for (var p = 0; p < 3; p++)
                {
                    var channel = bgr ? 2 - p : p;
                    target[at + p * plane] = pixels[source + channel] * scale[p] - shift[p];
                }
            }
        }
    }

    /// <summary>Words whose vertical centres lie within half a line height of each other form one
    /// line, read left to right and joined with spaces.</summary>
    private static List<TextLine> JoinLines(List<TextLine> words)
    {
        var lines = new List<List<TextLine>>();
        foreach (var word in words.OrderBy(w => (w.Box.Top + w.Box.Bottom) / 2))
        {
            var middle = (word.Box.Top + word.Box.Bottom) / 2;
            var line = lines.FirstOrDefault(l =>
            {
                var lineMiddle = l.Average(w => (w.Box.Top + w.Box.Bottom) / 2);
                var lineHeight = l.Average(w => w.Box.Bottom - w.Box.Top);
                return Math.Abs(lineMiddle - middle) < Math.Min(lineHeight, word.Box.Bottom - word.Box.Top) / 2;
            });
            if (line is null)
            {
                lines.Add([word]);
            }
            else
            {
                line.Add(word);
            }
        }

        return lines.Select(l =>
        {
            var ordered = l.OrderBy(w => w.Box.Left).ToList();
            float left = ordered.Min(w => w.Box.Left), right = ordered.Max(w => w.Box.Right);
            float top = ordered.Min(w => w.Box.Top), bottom = ordered.Max(w => w.Box.Bottom);
            var box = ordered.Count == 1 ? ordered[0].Box : new TextBox([new(left, top), new(right, top), new(right, bottom), new(left, bottom)], ordered.Average(w => w.Box.Score));
            return new TextLine(string.Join(" ", ordered.Select(w => w.Text)), ordered.Average(w => w.Confidence), box);
        }).OrderBy(l => l.Box.Top).ToList();
    }

    private static float Distance(PointF a, PointF b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}

/// <summary>A line of text read from an image.</summary>
public sealed record TextLine(string Text, float Confidence, TextBox Box);

/// <summary>Greedy CTC decoding: the most likely class at each step, repeats collapsed, blanks (class 0) dropped.</summary>
public static class CtcDecoder
{
    public static (string Text, float Confidence) Greedy(ReadOnlySpan<float> probabilities, int steps, int classes, string[] characters)
    {
        var text = new StringBuilder();
        double confidence = 0;
        var kept = 0;
        var previous = -1;
        for (var t = 0; t < steps; t++)
        {
            var row = probabilities.Slice(t * classes, classes);
            var best = 0;
            for (var k = 1; k < classes; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            if (best != 0 && best != previous && best < characters.Length)
            {
                text.Append(characters[best]);
                confidence += row[best];
                kept++;
            }

            previous = best;
        }

        return (text.ToString(), kept == 0 ? 0 : (float)(confidence / kept));
    }
}
