using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Net;
using EdgeGateway.Tests.Infrastructure;

namespace EdgeGateway.Tests.Api;

/// <summary>
/// Images and recordings stay at the customer's site: while the gateway reads a label photo and a recording it
/// opens no connection and resolves no host name beyond loopback, sends no HTTP request anywhere, answers with the
/// reading only (never the bytes it was sent), and keeps nothing on disk.
/// </summary>
public sealed class SiteResidencyTests(SharedGateway gateway)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Infer_LabelPhotoAndRecording_NothingLeavesTheSiteAndNothingIsKept()
    {
        var png = LabelImages.Render(["SN 7310-QK2", "LOT 2026-044"]);
        var wav = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "TestData", "speech-16k.wav"), Ct);
        var filesBefore = Snapshot(gateway.ModelsFolder);
        using var client = gateway.Server.Client();
        string ocr, vad;
        using (var watch = new OutboundWatch())
        {
            using var read = await client.PostAsync("/models/label-reader/infer", GatewayServer.FileContent(png, "label.png", "image/png"), Ct);
            using var heard = await client.PostAsync("/models/voice-activity/infer", GatewayServer.FileContent(wav, "clip.wav", "audio/wav"), Ct);
            Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (read.StatusCode, heard.StatusCode));
            ocr = await read.Content.ReadAsStringAsync(Ct);
            vad = await heard.Content.ReadAsStringAsync(Ct);

            Assert.True(watch.Offsite.IsEmpty, "The gateway reached beyond loopback: " + string.Join("; ", watch.Offsite));
            Assert.True(watch.Requests.Count >= 2, "the watch saw the test's own requests, so it would see others");
        }

        Assert.Contains("SN 7310-QK2", ocr);
        Assert.Contains("\"segments\"", vad);
        foreach (var (input, output) in new[] { (png, ocr), (wav, vad) })
        {
            Assert.True(output.Length < input.Length / 4, $"an answer of {output.Length} characters for {input.Length} bytes sent");
            foreach (var slice in Enumerable.Range(0, 8).Select(i => input.AsSpan(input.Length * i / 8, 48).ToArray()))
            {
                Assert.DoesNotContain(Convert.ToBase64String(slice)[..40], output);
                Assert.DoesNotContain(Convert.ToHexString(slice)[..40], output, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.Equal(filesBefore, Snapshot(gateway.ModelsFolder));
    }

    private static string Snapshot(string folder) => string.Join("\n", Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal).Select(f => $"{Path.GetRelativePath(folder, f)} {new FileInfo(f).Length}"));

    /// <summary>
    /// Every socket connection, host name lookup and outgoing HTTP request this process makes while it is open, from
    /// the runtime's own telemetry (the sockets and name-resolution event sources, and HttpClient's diagnostic
    /// listener). Anything not to loopback is off the site. The telemetry is the whole process's, so requests that other
    /// tests running at the same time make to their own gateways on loopback are seen too, and are not off the site.
    /// </summary>
    private sealed class OutboundWatch : EventListener, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
    {
        private readonly IDisposable _listeners;
        private readonly List<IDisposable> _subscriptions = [];

        public OutboundWatch()
        {
            _listeners = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public ConcurrentQueue<string> Offsite { get; } = new();

        public ConcurrentQueue<Uri> Requests { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name is "System.Net.Sockets" or "System.Net.NameResolution")
            {
                EnableEvents(source, EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs data)
        {
            var argument = data.Payload is { Count: > 0 } payload ? payload[0] as string : null;
            if (argument is null)
            {
                return;
            }

            if (data.EventName == "ConnectStart" && !IsLoopback(argument))
            {
                Offsite.Enqueue("connect " + argument);
            }
            else if (data.EventName == "ResolutionStart" && argument is not ("localhost" or "127.0.0.1" or "::1") && !IPAddress.TryParse(argument, out _))
            {
                Offsite.Enqueue("name lookup " + argument);
            }
        }

        public void OnNext(DiagnosticListener listener)
        {
            if (listener.Name == "HttpHandlerDiagnosticListener")
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(listener.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == "System.Net.Http.HttpRequestOut.Start" && value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is HttpRequestMessage { RequestUri: { } uri })
            {
                Requests.Enqueue(uri);
                // Process-wide: a test running beside this one may call its own gateway on another loopback port. What
                // would leave the site is a request to a host that is not this machine.
                if (!uri.IsLoopback)
                {
                    Offsite.Enqueue("HTTP " + uri);
                }
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        /// <summary>Reads the runtime's socket address text (the address bytes after the family: "InterNetwork:16:{port,port,127,0,0,1,…}",
        /// IPv6 with four flow bytes before the address) and says whether it is loopback;
        /// an address it cannot read counts as not loopback, so a format change fails the test instead of hiding a connection.</summary>
        private static bool IsLoopback(string text)
        {
            try
            {
                return IsLoopbackSocketAddress(text);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
            {
                return false;
            }
        }

        private static bool IsLoopbackSocketAddress(string text)
        {
            var open = text.IndexOf('{', StringComparison.Ordinal);
            var bytes = text[(open + 1)..].TrimEnd('}').Split(',', StringSplitOptions.TrimEntries).Select(b => byte.Parse(b, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var address = text.StartsWith("InterNetworkV6", StringComparison.Ordinal) ? new IPAddress(bytes.AsSpan(6, 16)) : new IPAddress(bytes.AsSpan(2, 4));
            return IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        }

        public override void Dispose()
        {
            _listeners.Dispose();
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }

            base.Dispose();
        }
    }
}
