import { normaliseRecord, normaliseRecordInPlace } from '../../nodes/Athenahealth/common/normalise';

const sent = () => ({
	patientid: '123',
	departmentid: 7,
	appointmentid: '0042', // a leading zero is not a number athena would send as an id: kept
	encounterid: 'E-9',
	success: 'true',
	outboundonly: 'false',
	zip: '02134', // digits, but not an id: kept as text
	note: 'true story', // only the exact words become booleans
	patient: { patientid: '5', insurances: [{ insuranceid: '9', primary: 'true' }] },
});

const expected = {
	patientid: 123,
	departmentid: 7,
	appointmentid: '0042',
	encounterid: 'E-9',
	success: true,
	outboundonly: false,
	zip: '02134',
	note: 'true story',
	patient: { patientid: 5, insurances: [{ insuranceid: 9, primary: true }] },
};

describe('type normalisation of athena records', () => {
	test('ids become numbers and "true"/"false" booleans; everything else is kept as sent', () => {
		const record = sent();
		expect(normaliseRecord(record)).toEqual(expected);
		expect(record).toEqual(sent()); // the copying version leaves its input alone
	});

	test('the in-place version gives the same result on the same object', () => {
		const record = sent();
		const result = normaliseRecordInPlace(record);
		expect(result).toBe(record);
		expect(result).toEqual(expected);
	});
});
