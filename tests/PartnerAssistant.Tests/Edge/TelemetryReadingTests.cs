using PartnerAssistant.Edge;

namespace PartnerAssistant.Tests.Edge;

public sealed class TelemetryReadingTests
{
    private static readonly TelemetryFeature[] Vitals =
    [
        new("heartRate", "bpm", "heart rate", ["hr", "heart rate", "pulse"]),
        new("spo2", "%", "blood oxygen saturation", ["oxygen", "sats"]),
        new("respiratoryRate", "/min", "respiratory rate", ["rr", "respiratory rate", "breathing"]),
        new("systolicBp", "mmHg", "systolic blood pressure", ["sbp", "systolic"]),
        new("diastolicBp", "mmHg", "diastolic blood pressure", ["dbp", "diastolic"]),
        new("temperature", "°C", "body temperature", ["temp"]),
    ];

    [Fact]
    public void Parse_ClinicalShorthand_ReadsEveryValueIncludingBloodPressure()
    {
        var (reading, missing) = TelemetryReading.Parse("check these vitals: HR 128, SpO2 89%, RR 24, BP 95/60, temp 38.6", Vitals);

        Assert.Empty(missing);
        Assert.Equal(128, reading["heartRate"]!.GetValue<double>());
        Assert.Equal(89, reading["spo2"]!.GetValue<double>());
        Assert.Equal(24, reading["respiratoryRate"]!.GetValue<double>());
        Assert.Equal(95, reading["systolicBp"]!.GetValue<double>());
        Assert.Equal(60, reading["diastolicBp"]!.GetValue<double>());
        Assert.Equal(38.6, reading["temperature"]!.GetValue<double>());
    }

    [Fact]
    public void Parse_WordsAndDecimalCommas_ReadsThem()
    {
        var (reading, _) = TelemetryReading.Parse("pulse is 45, oxygen 96, breathing 12, systolic 110, diastolic 70, temp 36,5", Vitals);

        Assert.Equal(45, reading["heartRate"]!.GetValue<double>());
        Assert.Equal(36.5, reading["temperature"]!.GetValue<double>());
    }

    [Fact]
    public void Parse_SomeValuesAbsent_ListsExactlyTheMissingOnes()
    {
        var (_, missing) = TelemetryReading.Parse("HR 120 and BP 140/90", Vitals);

        Assert.Equal(["spo2", "respiratoryRate", "temperature"], missing.Select(f => f.Name));
    }
}
