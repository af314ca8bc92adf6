/** How a message body reads on the page: strings as they are, anything else as JSON. */
export const showBody = (body: unknown): string => (typeof body === 'string' ? body : JSON.stringify(body));
