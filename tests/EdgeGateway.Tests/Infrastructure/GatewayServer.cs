using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeGateway.Tests.Infrastructure;

/// <summary>The real gateway on Kestrel, on a free loopback port, over a models folder of the test's choosing.</summary>
public sealed class GatewayServer : IAsyncDisposable
{
    public const string ApiKey = "test-key-4821";

    private GatewayServer(WebApplication app, Uri address, string modelsFolder)
    {
        App = app;
        Address = address;
        ModelsFolder = modelsFolder;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public string ModelsFolder { get; }

    /// <summary>Starts a gateway; <paramref name="settings"/> override configuration keys (e.g. <c>EdgeGateway:QueueLimit</c>).</summary>
    public static async Task<GatewayServer> StartAsync(string modelsFolder, IDictionary<string, string?>? settings = null, string? apiKey = ApiKey)
    {
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--EdgeGateway:ModelsFolder={modelsFolder}",
            $"--EdgeGateway:ApiKey={apiKey}",
            "--Logging:LogLevel:Default=Warning",
        };
        var app = GatewayApp.Create([.. args], builder =>
        {
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new GatewayServer(app, new Uri(address), modelsFolder);
    }

    public HttpClient Client(string? apiKey = ApiKey)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(2) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    public static MultipartFormDataContent FileContent(byte[] content, string fileName, string contentType)
    {
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
