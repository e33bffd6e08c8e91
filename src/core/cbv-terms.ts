// The bare JSON-LD names of the standard vocabularies an EPCIS 2.0 event uses (CBV 2.0 §7 and GS1's EPCIS
// 2.0 JSON schema and JSON-LD context): what bizStep, disposition and the other coded fields may say in
// short. Pure data, shared by the food domain's checks and the event hash ID (epcis-event-hash.ts).

export const BIZ_STEPS = [
  'accepting', 'arriving', 'assembling', 'collecting', 'commissioning', 'consigning', 'creating_class_instance',
  'cycle_counting', 'decommissioning', 'departing', 'destroying', 'disassembling', 'dispensing', 'encoding',
  'entering_exiting', 'holding', 'inspecting', 'installing', 'killing', 'loading', 'other', 'packing', 'picking',
  'receiving', 'removing', 'repackaging', 'repairing', 'replacing', 'reserving', 'retail_selling', 'shipping',
  'staging_outbound', 'stock_taking', 'stocking', 'storing', 'transporting', 'unloading', 'unpacking',
  'void_shipping', 'sensor_reporting', 'sampling',
] as const

export const DISPOSITIONS = [
  'active', 'container_closed', 'damaged', 'destroyed', 'dispensed', 'disposed', 'encoded', 'expired',
  'in_progress', 'in_transit', 'inactive', 'no_pedigree_match', 'non_sellable_other', 'partially_dispensed',
  'recalled', 'reserved', 'retail_sold', 'returned', 'sellable_accessible', 'sellable_not_accessible', 'stolen',
  'unknown', 'available', 'completeness_verified', 'completeness_inferred', 'conformant', 'container_open',
  'mismatch_instance', 'mismatch_class', 'mismatch_quantity', 'needs_replacement', 'non_conformant', 'unavailable',
] as const

export const BIZ_TRANSACTION_TYPES = [
  'bol', 'cert', 'desadv', 'inv', 'pedigree', 'po', 'poc', 'prodorder', 'recadv', 'rma', 'testprd', 'testres', 'upevt',
] as const

export const SOURCE_DEST_TYPES = ['owning_party', 'possessing_party', 'location'] as const

export const ERROR_REASONS = ['did_not_occur', 'incorrect_data'] as const

/** What a sensorReport's `type` measures (GS1 Web Vocabulary MeasurementType, https://gs1.org/voc/). */
export const SENSOR_MEASUREMENT_TYPES = [
  'AbsoluteHumidity', 'AbsorbedDose', 'AbsorbedDoseRate', 'Acceleration', 'Altitude', 'AmountOfSubstance',
  'AmountOfSubstancePerUnitVolume', 'Angle', 'AngularAcceleration', 'AngularMomentum', 'AngularVelocity',
  'Area', 'Capacitance', 'Conductance', 'Conductivity', 'Count', 'Density', 'Dimensionless', 'DoseEquivalent',
  'DoseEquivalentRate', 'DynamicViscosity', 'ElectricCharge', 'ElectricCurrent', 'ElectricCurrentDensity',
  'ElectricFieldStrength', 'Energy', 'Exposure', 'Force', 'Frequency', 'Illuminance', 'Inductance',
  'Irradiance', 'KinematicViscosity', 'Length', 'LinearMomentum', 'Luminance', 'LuminousFlux',
  'LuminousIntensity', 'MagneticFlux', 'MagneticFluxDensity', 'MagneticVectorPotential', 'Mass',
  'MassConcentration', 'MassFlowRate', 'MassPerAreaTime', 'MemoryCapacity', 'MolalityOfSolute', 'MolarEnergy',
  'MolarMass', 'MolarVolume', 'Power', 'Pressure', 'RadiantFlux', 'RadiantIntensity', 'Radioactivity',
  'RelativeHumidity', 'Resistance', 'Resistivity', 'SolidAngle', 'SpecificVolume', 'Speed', 'SurfaceDensity',
  'SurfaceTension', 'Temperature', 'Time', 'Torque', 'Voltage', 'Volume', 'VolumeFlowRate', 'VolumeFraction',
  'VolumetricFlux', 'Wavenumber',
] as const

/** A sensorReport's `exception` (GS1 Web Vocabulary SensorAlertType). */
export const SENSOR_ALERT_TYPES = ['ALARM_CONDITION', 'ERROR_CONDITION'] as const

/** A sensorReport's `component`: which coordinate of a reading (CBV 2.0 §7.10). */
export const COMPONENTS = [
  'altitude', 'axial_distance', 'azimuth', 'easting', 'elevation_angle', 'height', 'latitude', 'longitude',
  'northing', 'polar_angle', 'spherical_radius', 'x', 'y', 'z',
] as const
