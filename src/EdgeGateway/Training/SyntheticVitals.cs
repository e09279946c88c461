namespace EdgeGateway.Training;

/// <summary>Kinds of abnormal vital signs injected into the synthetic evaluation data.</summary>
public enum VitalAnomaly
{
    /// <summary>Heart rate 35–60 bpm above the patient's resting rate, at rest (breathing and pressure unchanged).</summary>
    TachycardiaAtRest,

    /// <summary>Heart rate 32–44 bpm.</summary>
    Bradycardia,

    /// <summary>SpO2 80–89 %, breathing 4–10 /min faster, heart rate 5–20 bpm higher.</summary>
    Hypoxaemia,

    /// <summary>Temperature 38.2–40.0 °C, heart rate 10 bpm higher per degree above 37, breathing 2–5 /min faster.</summary>
    Fever,

    /// <summary>Systolic 72–90, diastolic 40–55 mmHg, heart rate 15–30 bpm higher (compensating).</summary>
    Hypotension,

    /// <summary>Systolic 180–215, diastolic 110–130 mmHg.</summary>
    HypertensiveCrisis,
}

/// <summary>
/// Seeded synthetic vital signs of adults monitored at home (one reading = a spot check from home
/// devices). Each patient has their own baselines; each reading adds physical activity (which
/// raises heart rate, breathing and pressure together), a daily rhythm and measurement noise.
/// Anomalies are injected on top of a patient's normal reading, one documented kind at a time.
/// The same seed always gives the same patients and readings.
/// </summary>
public sealed class SyntheticVitals(int seed)
{
    public static readonly string[] FeatureNames = ["heartRate", "spo2", "respiratoryRate", "systolicBp", "diastolicBp", "temperature"];

    private readonly Random _random = new(seed);

    public sealed record Patient(float HeartRate, float Spo2, float RespiratoryRate, float Systolic, float Diastolic, float Temperature);

    public Patient NewPatient()
    {
        var systolic = Clamp(Normal(128, 13), 100, 160);
        return new Patient(
            HeartRate: Clamp(Normal(72, 9), 52, 95),
            Spo2: Clamp(Normal(97.2f, 1.0f), 94, 99.5f),
            RespiratoryRate: Clamp(Normal(15, 2), 11, 20),
            Systolic: systolic,
            Diastolic: Clamp(0.45f * systolic + Normal(22, 5), 60, 100),
            Temperature: Normal(36.75f, 0.2f));
    }

    /// <summary>A normal reading: heart rate, SpO2, respiratory rate, systolic, diastolic, temperature.</summary>
    public float[] Normal(Patient patient, bool atRest = false)
    {
        // Most readings are taken resting; activity is exponential with mean 0.25, capped at 1.
        var activity = atRest ? 0f : MathF.Min(1f, (float)(-Math.Log(1 - _random.NextDouble()) * 0.25));
        var hour = (float)(_random.NextDouble() * 24);
        var daily = MathF.Sin(2 * MathF.PI * (hour - 16) / 24);
        return
        [
            patient.HeartRate + 40 * activity + 3 * daily + Normal(0, 2.5f),
            MathF.Min(100, patient.Spo2 - 1.2f * activity + Normal(0, 0.6f)),
            patient.RespiratoryRate + 8 * activity + Normal(0, 1.0f),
            patient.Systolic + 18 * activity + 4 * daily + Normal(0, 5),
            patient.Diastolic + 6 * activity + Normal(0, 3.5f),
            patient.Temperature + 0.25f * MathF.Sin(2 * MathF.PI * (hour - 17) / 24) + 0.2f * activity + Normal(0, 0.12f),
        ];
    }

    public float[] Anomalous(Patient patient, VitalAnomaly kind)
    {
        var reading = Normal(patient, atRest: kind == VitalAnomaly.TachycardiaAtRest);
        switch (kind)
        {
            case VitalAnomaly.TachycardiaAtRest:
                reading[0] += Uniform(35, 60);
                break;
            case VitalAnomaly.Bradycardia:
                reading[0] = Uniform(32, 44);
                break;
            case VitalAnomaly.Hypoxaemia:
                reading[1] = Uniform(80, 89);
                reading[2] += Uniform(4, 10);
                reading[0] += Uniform(5, 20);
                break;
            case VitalAnomaly.Fever:
                reading[5] = Uniform(38.2f, 40.0f);
                reading[0] += 10 * (reading[5] - 37);
                reading[2] += Uniform(2, 5);
                break;
            case VitalAnomaly.Hypotension:
                reading[3] = Uniform(72, 90);
                reading[4] = Uniform(40, 55);
                reading[0] += Uniform(15, 30);
                break;
            case VitalAnomaly.HypertensiveCrisis:
                reading[3] = Uniform(180, 215);
                reading[4] = Uniform(110, 130);
                break;
        }

        return reading;
    }

    /// <summary><paramref name="patients"/> new patients with <paramref name="perPatient"/> normal readings each.</summary>
    public List<float[]> NormalReadings(int patients, int perPatient)
    {
        var readings = new List<float[]>(patients * perPatient);
        for (var p = 0; p < patients; p++)
        {
            var patient = NewPatient();
            for (var r = 0; r < perPatient; r++)
            {
                readings.Add(Normal(patient));
            }
        }

        return readings;
    }

    /// <summary><paramref name="perKind"/> anomalous readings of each kind, each from a new patient.</summary>
    public List<(VitalAnomaly Kind, float[] Reading)> AnomalousReadings(int perKind) =>
        Enum.GetValues<VitalAnomaly>().SelectMany(kind => Enumerable.Range(0, perKind).Select(_ => (kind, Anomalous(NewPatient(), kind)))).ToList();

    private float Normal(float mean, float deviation) => mean + deviation * DenseNetwork.Gaussian(_random);

    private float Uniform(float from, float to) => from + (float)_random.NextDouble() * (to - from);

    private static float Clamp(float value, float min, float max) => Math.Clamp(value, min, max);
}
