// What webrtc-polyfill's own browser entry exports, and all @thaunknown/simple-peer imports from it:
// the browser's WebRTC classes. Its Node entry would install node-datachannel, a native binary.
export const { RTCPeerConnection, RTCSessionDescription, RTCIceCandidate } = globalThis;
