/** An intake body for a network complaint in Hangzhou, by address; override any field. */
export const intake = (over: Record<string, unknown> = {}) => ({
  channel: 'hotline', customer: { msisdn: '13812345678', name: '王小明' }, category: 'network.call_drop', network: 'LTE',
  region: 'hz', address: '杭州市西湖区文三路 100 号', description: '室内通话经常掉线', ...over,
});
