using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Models;
using EdgeGateway.Tests.Infrastructure;
using EdgeGateway.Training;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeGateway.Tests.Telemetry;

/// <summary>The two models the gateway trains itself, run by ONNX Runtime through the gateway.</summary>
public sealed class TelemetryModelTests(SharedGateway gateway)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<JsonArray> ScoreAsync(string model, IEnumerable<float[]> readings, string[] names)
    {
        using var client = gateway.Server.Client();
        var body = new JsonObject
        {
            ["readings"] = new JsonArray(readings.Select(r => (JsonNode)new JsonObject(names.Select((n, i) => KeyValuePair.Create(n, (JsonNode?)r[i])))).ToArray()),
        };
        using var response = await client.PostAsync($"/models/{model}/infer", JsonContent.Create(body), Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Token))!["result"]!["results"]!.AsArray();
    }

    [Fact]
    public async Task VitalSigns_InjectedFeverOnANormalPatient_IsFlaggedAndBlamesTemperature()
    {
        var generator = new SyntheticVitals(seed: 424242);
        var patient = generator.NewPatient();
        var normal = generator.Normal(patient, atRest: true);
        var fever = generator.Anomalous(patient, VitalAnomaly.Fever);

        var results = await ScoreAsync(BuiltInModels.VitalSigns, [normal, fever], SyntheticVitals.FeatureNames);

        Assert.False(results[0]!["flag"]!.GetValue<bool>());
        Assert.True(results[1]!["flag"]!.GetValue<bool>());
        Assert.Equal("temperature", results[1]!["contributions"]!.AsObject().First().Key);
    }

    [Fact]
    public async Task VitalSigns_NewPatients_FlagFewNormalReadingsAndMostInjectedAnomalies()
    {
        var generator = new SyntheticVitals(seed: 515151);
        var normals = generator.NormalReadings(patients: 50, perPatient: 4);
        var anomalies = generator.AnomalousReadings(perKind: 20);

        var normalResults = await ScoreAsync(BuiltInModels.VitalSigns, normals, SyntheticVitals.FeatureNames);
        var anomalyResults = await ScoreAsync(BuiltInModels.VitalSigns, anomalies.Select(a => a.Reading), SyntheticVitals.FeatureNames);

        var falseAlarms = normalResults.Count(r => r!["flag"]!.GetValue<bool>()) / (double)normals.Count;
        var caught = anomalyResults.Count(r => r!["flag"]!.GetValue<bool>()) / (double)anomalies.Count;
        Assert.True(falseAlarms <= 0.05, $"{falseAlarms:P1} of normal readings were flagged");
        Assert.True(caught >= 0.85, $"only {caught:P1} of injected anomalies were flagged");
    }

    [Fact]
    public async Task VitalSigns_ReadingWithAnImplausibleValue_Returns400NamingIt()
    {
        using var client = gateway.Server.Client();
        var reading = new JsonObject { ["hr"] = 72, ["spo2"] = 140, ["rr"] = 14, ["systolic"] = 120, ["diastolic"] = 80, ["temp"] = 36.8 };

        using var response = await client.PostAsync($"/models/{BuiltInModels.VitalSigns}/infer", JsonContent.Create(reading), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("spo2 = 140 % is outside the plausible range 50–100", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task VitalSigns_RawTensorOfTheWrongWidth_Returns400WithTheExpectedShape()
    {
        using var client = gateway.Server.Client();
        var request = new JsonObject { ["inputs"] = new JsonObject { ["readings"] = new JsonObject { ["data"] = new JsonArray(new JsonArray(72, 98, 14, 120, 80)) } } };

        using var response = await client.PostAsync($"/models/{BuiltInModels.VitalSigns}/infer", JsonContent.Create(request), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Input 'readings' expects float32 [batch, 6]; got shape [1, 5].", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task GridFault_DevelopingFaultReading_IsFlaggedAndAHealthyOneIsNot()
    {
        float[] healthy = [0.6f, 1.0f, 3.5f, 45, 15, 3, 0, 10];
        float[] failing = [0.9f, 0.96f, 8.5f, 88, 20, 45, 3, 35];

        var results = await ScoreAsync(BuiltInModels.GridFault, [healthy, failing], SyntheticGrid.FeatureNames);

        Assert.False(results[0]!["flag"]!.GetValue<bool>());
        Assert.True(results[1]!["flag"]!.GetValue<bool>());
        Assert.True(results[1]!["score"]!.GetValue<double>() > 5 * results[0]!["score"]!.GetValue<double>());
    }

    [Fact]
    public async Task Model_TrainedByTheGateway_PublishesItsHeldOutEvaluation()
    {
        using var client = gateway.Server.Client();

        var model = await client.GetFromJsonAsync<JsonObject>($"/models/{BuiltInModels.GridFault}", Token);

        var test = model!["evaluation"]!["test"]!;
        Assert.Equal(20000, test["readings"]!.GetValue<int>());
        Assert.True(test["rocAuc"]!.GetValue<double>() > test["partialDischargeOnlyRocAuc"]!.GetValue<double>(), "the model should beat its single-feature baseline");
    }

    [Fact]
    public void Train_WithTheSameSeeds_WritesTheSameModelFile()
    {
        var folder = TempFolders.Create("edge-retrain");
        try
        {
            new TelemetryTrainer(NullLogger<TelemetryTrainer>.Instance).Train(BuiltInModels.VitalSigns, folder);

            Assert.Equal(
                File.ReadAllBytes(Path.Combine(gateway.ModelsFolder, BuiltInModels.VitalSigns, "model.onnx")),
                File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        }
        finally
        {
            TempFolders.Delete(folder);
        }
    }
}
