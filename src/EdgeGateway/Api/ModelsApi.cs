using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Inference;
using EdgeGateway.Models;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Api;

/// <summary><c>GET /models</c>, <c>GET /models/{name}</c>, <c>POST /models/{name}/infer</c>, <c>GET /health</c>.</summary>
public static class ModelsApi
{
    public static void MapModelsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", Health);
        app.MapGet("/models", (ModelCatalog catalog) => Results.Json(new { models = catalog.All.Select(Summary) }, ModelManifest.Json));
        app.MapGet("/models/{name}", Describe);
        app.MapPost("/models/{name}/infer", InferAsync).DisableAntiforgery();
    }

    private static IResult Health(ModelCatalog catalog, InferenceSlots slots)
    {
        var models = catalog.All;
        var ready = models.Count(m => m.IsReady);
        var status = !catalog.IsLoaded ? "Starting" : ready == models.Count ? "Healthy" : ready > 0 ? "Degraded" : "Unhealthy";
        return Results.Json(new
        {
            status,
            inference = new { running = slots.Running, queued = slots.Queued, capacity = slots.Capacity, queueLimit = slots.QueueLimit },
            models = models.Select(m => new { name = m.Name, status = m.Status, error = m.Error }),
        }, ModelManifest.Json, statusCode: status is "Unhealthy" or "Starting" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private static IResult Describe(string name, ModelCatalog catalog)
    {
        if (catalog.Find(name) is not { } model)
        {
            return NotFound(name, catalog);
        }

        var description = Summary(model);
        if (model.Manifest is { } manifest)
        {
            description["networks"] = JsonSerializer.SerializeToNode(manifest.Networks, ModelManifest.Json);
            description["preprocessing"] = manifest.Preprocessing?.DeepClone();
            description["postprocessing"] = manifest.Postprocessing?.DeepClone();
            description["evaluation"] = manifest.Evaluation?.DeepClone();
        }

        return Results.Json(description, ModelManifest.Json);
    }

    private static JsonObject Summary(ServedModel model) => new()
    {
        ["name"] = model.Name,
        ["version"] = model.Manifest?.Version,
        ["task"] = model.Manifest is { } m ? JsonSerializer.SerializeToNode(m.Task, ModelManifest.Json) : null,
        ["title"] = model.Manifest?.Title,
        ["description"] = model.Manifest?.Description,
        ["source"] = model.Manifest?.Source,
        ["status"] = model.Status,
        ["error"] = model.Error,
        ["accepts"] = model.Runner?.Accepts,
    };

    private static async Task<IResult> InferAsync(string name, HttpContext http, ModelCatalog catalog, InferenceSlots slots, IOptions<GatewayOptions> options, ILogger<ModelCatalog> logger)
    {
        if (catalog.Find(name) is not { } model)
        {
            return NotFound(name, catalog);
        }

        if (!model.IsReady)
        {
            return Results.Problem($"Model '{name}' is unavailable: {model.Error}", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Model unavailable");
        }

        using var lease = await slots.AcquireAsync(http.RequestAborted);
        if (!lease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = "1";
            return Results.Problem($"The gateway is busy: {slots.Capacity} inferences are running and {slots.QueueLimit} are waiting. Try again shortly.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests");
        }

        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(settings.InferenceTimeout);
        try
        {
            var reading = Stopwatch.GetTimestamp();
            var request = await InferenceRequest.ReadAsync(http.Request, settings.MaxRequestBytes, timeout.Token);
            var read = Stopwatch.GetElapsedTime(reading);
            var started = Stopwatch.GetTimestamp();
            var result = request switch
            {
                { Tensors: { } tensors } => TensorJson.Run(model, tensors, timeout.Token),
                { File: { } file } => model.Runner!.TakesFile ? model.Runner.RunFile(file, timeout.Token) : throw InferenceRequestException.Unsupported($"Model '{name}' takes {model.Runner.Accepts}, not a file."),
                { Json: { } json } => model.Runner!.RunJson(json, timeout.Token),
                _ => throw new InferenceRequestException("Send a multipart 'file' field or a JSON body."),
            };
            var elapsed = Stopwatch.GetElapsedTime(started);
            // Clients and benchmarks split the gateway's overhead from the model's own time with this.
            http.Response.Headers["Server-Timing"] = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"inference;dur={elapsed.TotalMilliseconds:F3}, read;dur={read.TotalMilliseconds:F3}");
            return Results.Json(new JsonObject
            {
                ["model"] = model.Name,
                ["version"] = model.Manifest!.Version,
                ["task"] = JsonSerializer.SerializeToNode(model.Manifest.Task, ModelManifest.Json),
                ["durationMs"] = Math.Round(elapsed.TotalMilliseconds, 3),
                ["result"] = result,
            }, ModelManifest.Json);
        }
        catch (InferenceRequestException ex)
        {
            return Results.Problem(ex.Message, statusCode: ex.StatusCode);
        }
        catch (BadHttpRequestException ex)
        {
            return Results.Problem(ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request is larger than this gateway accepts ({settings.MaxRequestBytes:N0} bytes)."
                : ex.Message, statusCode: ex.StatusCode);
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Inference on {Model} took longer than {Timeout}", name, settings.InferenceTimeout);
            return Results.Problem($"Model '{name}' did not finish within {settings.InferenceTimeout.TotalSeconds:F0} s.", statusCode: StatusCodes.Status504GatewayTimeout);
        }
    }

    private static IResult NotFound(string name, ModelCatalog catalog) =>
        Results.Problem($"There is no model '{name}' on this gateway. It serves: {string.Join(", ", catalog.All.Select(m => m.Name))}.", statusCode: StatusCodes.Status404NotFound);
}

/// <summary>An inference request body: raw tensors, a file, or a task's own JSON.</summary>
public sealed record InferenceRequest(JsonObject? Tensors, InferenceFile? File, JsonNode? Json)
{
    public static async Task<InferenceRequest> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentLength > maxBytes)
        {
            throw InferenceRequestException.TooLarge($"The request is {request.ContentLength:N0} bytes; this gateway accepts at most {maxBytes:N0}.");
        }

        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (InvalidDataException ex)
            {
                throw new InferenceRequestException($"The multipart body cannot be read: {ex.Message}");
            }

            var file = form.Files.GetFile("file") ?? throw new InferenceRequestException("Send the file in a multipart field named 'file'.");
            using var buffer = new MemoryStream((int)Math.Min(file.Length, maxBytes));
            await file.CopyToAsync(buffer, cancellationToken);
            return new InferenceRequest(null, new InferenceFile(file.FileName, file.ContentType, buffer.ToArray()), null);
        }

        if (request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            JsonNode? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                throw new InferenceRequestException($"The JSON body is malformed: {ex.Message}");
            }

            return TensorJson.IsTensorRequest(body) ? new InferenceRequest((JsonObject)body!, null, null) : new InferenceRequest(null, null, body);
        }

        throw InferenceRequestException.Unsupported("Send multipart/form-data with a 'file' field, or application/json.");
    }
}
